using System.Runtime.InteropServices;

namespace Ember.Bpf;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        /// <summary>1 when the kernel supports the program type, 0 when not, a negative errno when it cannot tell.</summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static partial int libbpf_probe_bpf_prog_type(int programType, nint options);

        /// <summary>1 when the kernel supports the map type, 0 when not, a negative errno when it cannot tell.</summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static partial int libbpf_probe_bpf_map_type(int mapType, nint options);
    }
}
