using System.Threading.Channels;
using Ember.Agent.Session;

namespace Ember.Agent.Tests.Session;

/// <summary>Collects the session's windows for a test to await one by one.</summary>
internal sealed class ChannelWindowOutput : IWindowOutput
{
    private readonly Channel<ProfileWindow> _windows = Channel.CreateUnbounded<ProfileWindow>();

    public void Write(ProfileWindow window) => _windows.Writer.TryWrite(window);

    /// <summary>The next window (the timeout only stops a broken session from hanging the run).</summary>
    public async Task<ProfileWindow> NextAsync() => await _windows.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>A window already written and not yet read, if any.</summary>
    public bool TryTake(out ProfileWindow? window) => _windows.Reader.TryRead(out window);
}
