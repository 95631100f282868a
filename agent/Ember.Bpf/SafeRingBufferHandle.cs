using Microsoft.Win32.SafeHandles;

namespace Ember.Bpf;

/// <summary>Owns a libbpf <c>struct ring_buffer *</c>; releasing it unmaps the ring and closes its epoll fd.</summary>
public sealed class SafeRingBufferHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Creates an invalid handle; the interop marshaller sets it.</summary>
    public SafeRingBufferHandle()
        : base(ownsHandle: true)
    {
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        Interop.Libbpf.ring_buffer__free(handle);
        return true;
    }
}
