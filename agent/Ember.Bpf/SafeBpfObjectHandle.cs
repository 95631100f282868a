using Microsoft.Win32.SafeHandles;

namespace Ember.Bpf;

/// <summary>Owns a libbpf <c>struct bpf_object *</c>; releasing it closes every map and program fd of the object.</summary>
public sealed class SafeBpfObjectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Creates an invalid handle; the interop marshaller sets it.</summary>
    public SafeBpfObjectHandle()
        : base(ownsHandle: true)
    {
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        Interop.Libbpf.bpf_object__close(handle);
        return true;
    }
}
