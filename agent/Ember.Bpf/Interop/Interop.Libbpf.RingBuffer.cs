using System.Runtime.InteropServices;

namespace Ember.Bpf;

internal static partial class Interop
{
    internal static partial class Libbpf
    {
        /// <summary>
        /// Maps a BPF_MAP_TYPE_RINGBUF map and registers <paramref name="sampleCallback"/>
        /// (<c>int (*)(void *ctx, void *data, size_t size)</c>) for its records. NULL with errno on failure.
        /// </summary>
        [LibraryImport(Libraries.Libbpf, SetLastError = true)]
        internal static unsafe partial SafeRingBufferHandle ring_buffer__new(int mapFd, delegate* unmanaged[Cdecl]<nint, nint, nuint, int> sampleCallback, nint context, nint options);

        /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for records and consumes them: the count, or a negative errno.</summary>
        [LibraryImport(Libraries.Libbpf)]
        internal static partial int ring_buffer__poll(SafeRingBufferHandle ringBuffer, int timeoutMilliseconds);

        [LibraryImport(Libraries.Libbpf)]
        internal static partial void ring_buffer__free(nint ringBuffer);

        /// <summary>Attaches a program the way its SEC() name says (raw_tracepoint/NAME here). NULL with errno on failure.</summary>
        [LibraryImport(Libraries.Libbpf, SetLastError = true)]
        internal static partial SafeBpfLinkHandle bpf_program__attach(nint program);
    }
}
