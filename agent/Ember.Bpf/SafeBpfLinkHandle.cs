using Microsoft.Win32.SafeHandles;

namespace Ember.Bpf;

/// <summary>Owns a libbpf <c>struct bpf_link *</c>; releasing it detaches the program and closes the link's fds.</summary>
public sealed class SafeBpfLinkHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Creates an invalid handle; the interop marshaller sets it.</summary>
    public SafeBpfLinkHandle()
        : base(ownsHandle: true)
    {
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Interop.Libbpf.bpf_link__destroy(handle) == 0;
}
