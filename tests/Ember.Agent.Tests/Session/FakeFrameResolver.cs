using Ember.Agent.Symbolization;

namespace Ember.Agent.Tests.Session;

/// <summary>Names every address <c>f_ADDRESS</c> (hex) and records what it was asked and which pids it was told are alive.</summary>
internal sealed class FakeFrameResolver : IFrameResolver
{
    public List<(int Pid, ulong Address)> UserLookups { get; } = [];

    public List<IReadOnlySet<int>> Prunes { get; } = [];

    /// <summary>Pids captured, in order (read by the test while the session's loop writes).</summary>
    public IReadOnlyCollection<int> Captures => _captures;

    private readonly System.Collections.Concurrent.ConcurrentQueue<int> _captures = new();

    public ResolvedFrame ResolveUser(int pid, ulong address)
    {
        UserLookups.Add((pid, address));
        return new ResolvedFrame(address, $"f_{address:x}", $"f_{address:x}", null, 0, "native", null);
    }

    public ResolvedFrame ResolvePython(int pid, ulong word) => new(word, $"py_{word:x}", $"py_{word:x}", null, 0, "cpython", null);

    public ResolvedFrame ResolveKernel(ulong address) => new(address, $"k_{address:x}", $"k_{address:x}", null, 0, "kernel", null);

    public void Prune(IReadOnlySet<int> livePids) => Prunes.Add(livePids);

    public void Capture(int pid) => _captures.Enqueue(pid);

    public void CapturePythonCode(int pid, ulong code)
    {
    }
}
