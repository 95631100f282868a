namespace Ember.Bpf;

/// <summary>An attached program; disposing it detaches the program and closes what the link owns.</summary>
public sealed class BpfLink : IDisposable
{
    private readonly SafeBpfLinkHandle _handle;

    internal BpfLink(SafeBpfLinkHandle handle) => _handle = handle;

    /// <summary>Detaches the program. Safe to call more than once.</summary>
    public void Dispose() => _handle.Dispose();
}
