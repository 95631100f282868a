using System.Runtime.InteropServices;

namespace Ember.Bpf;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        /// <summary>The leading fields of <c>struct bpf_object_open_opts</c>; libbpf zero-extends a shorter struct.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct BpfObjectOpenOptions
        {
            public nuint Size;
            public byte* ObjectName;
        }

        /// <summary>Parses an ELF object held in memory; the buffer is needed only during the call (libbpf 1.x releases its ELF view before returning).</summary>
        [LibraryImport(Libraries.Libbpf, SetLastError = true)]
        internal static unsafe partial SafeBpfObjectHandle bpf_object__open_mem(void* buffer, nuint size, BpfObjectOpenOptions* options);

        /// <summary>Creates the maps and loads the programs into the kernel; returns a negative errno.</summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static partial int bpf_object__load(SafeBpfObjectHandle obj);

        [LibraryImport(Libraries.Libbpf)]
        internal static partial void bpf_object__close(nint obj);

        /// <summary>Iterates the object's programs: pass 0 for the first; returns 0 after the last.</summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static partial nint bpf_object__next_program(SafeBpfObjectHandle obj, nint previous);

        /// <summary>Iterates the object's maps: pass 0 for the first; returns 0 after the last.</summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static partial nint bpf_object__next_map(SafeBpfObjectHandle obj, nint previous);

        /// <summary>Formats a negative libbpf or errno error code (libbpf has codes of its own above 4000).</summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static unsafe partial int libbpf_strerror(int error, byte* buffer, nuint size);
    }
}
