using System.Runtime.InteropServices;

namespace Ember.Bpf;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        /// <summary><c>enum libbpf_print_level</c>.</summary>
        internal const int LevelWarn = 0;
        internal const int LevelInfo = 1;

        /// <summary>
        /// Installs the process-wide print callback <c>int (*)(enum libbpf_print_level, const char *format, va_list)</c>
        /// and returns the previous one. A va_list parameter is a pointer on x86-64 and arm64 Linux.
        /// </summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static unsafe partial delegate* unmanaged<int, byte*, nint, int> libbpf_set_print(
            delegate* unmanaged<int, byte*, nint, int> callback);
    }
}
