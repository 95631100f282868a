using System.Runtime.InteropServices;

namespace Ember.Bpf;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>Formats a printf-style message from a va_list (passed as the pointer it is in a callback's parameters).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "vsnprintf")]
        internal static unsafe partial int Vsnprintf(byte* buffer, nuint size, byte* format, nint arguments);
    }
}
