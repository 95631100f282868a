using System.Runtime.InteropServices;

namespace Ember.Bpf;

/// <summary>
/// Keeps a SafeHandle open while its raw value is in use, so a concurrent Dispose cannot close the
/// fd or free the libbpf object mid-call. Throws <see cref="ObjectDisposedException"/> when already closed.
/// </summary>
internal ref struct SafeHandleLease
{
    private readonly SafeHandle _handle;
    private bool _added;

    public SafeHandleLease(SafeHandle handle)
    {
        _handle = handle;
        _added = false;
        handle.DangerousAddRef(ref _added);
    }

    public void Dispose()
    {
        if (_added)
        {
            _handle.DangerousRelease();
            _added = false;
        }
    }
}
