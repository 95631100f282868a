namespace Ember.Bpf;

internal static partial class Interop
{
    /// <summary>Names of the native libraries Ember.Bpf binds to (Debian/Ubuntu sonames).</summary>
    internal static class Libraries
    {
        /// <summary>libbpf 1.x; Debian and Ubuntu ship it as a dependency of iproute2.</summary>
        internal const string Libbpf = "libbpf.so.1";

        /// <summary>glibc: the plain name "libc.so" is a linker script that cannot be loaded.</summary>
        internal const string Libc = "libc.so.6";
    }
}
