using System.Runtime.InteropServices;

namespace Ember.Bpf;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        [LibraryImport(Libraries.Libbpf)]
        internal static partial nint bpf_program__name(nint program);

        /// <summary>
        /// Gives the program a verifier log buffer. With log level 0, libbpf loads without a log and
        /// reloads with level 1 into this buffer only when the verifier rejects the program.
        /// </summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static unsafe partial int bpf_program__set_log_buf(nint program, byte* buffer, nuint size);

        /// <summary>Attaches to an open perf event; on success the link owns the perf event fd and closes it.</summary>
        [LibraryImport(Libraries.Libbpf, SetLastError = true)]
        internal static partial SafeBpfLinkHandle bpf_program__attach_perf_event(nint program, int perfEventFd);

        [LibraryImport(Libraries.Libbpf)]
        internal static partial int bpf_program__fd(nint program);

        [LibraryImport(Libraries.Libbpf)]
        internal static partial int bpf_link__destroy(nint link);
    }
}
