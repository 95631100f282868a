using Ember.Symbols.Processes;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Symbolization.Runtimes;

/// <summary>
/// With <c>--enable-perf-maps</c>: asks each running .NET process, once, to start writing its perf
/// map (<see cref="DotnetDiagnosticsClient.EnablePerfMap"/>), so its JIT frames get names without a
/// restart. Thread safe: the event thread asks when it captures a process, the loop when it meets
/// a JIT frame nothing names (a process that loaded its runtime after its first sample).
/// </summary>
internal sealed partial class PerfMapRequests(string procRoot, ILogger logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private static readonly IRuntimeDetector Dotnet = RuntimeRegistry.Known.Single(r => r.FrameType == "dotnet");

    private readonly Lock _gate = new();
    private readonly HashSet<int> _asked = [];

    /// <summary>Asks <paramref name="pid"/> if it runs .NET and was not asked yet; true when it was asked now or before.</summary>
    public bool Request(int pid)
    {
        lock (_gate)
        {
            if (_asked.Contains(pid))
            {
                return true;
            }

            IReadOnlyList<ProcessMapping> mappings;
            try
            {
                mappings = ProcMapsParser.Read(pid, procRoot);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false; // gone
            }

            if (!Dotnet.IsLoadedIn(mappings))
            {
                return false;
            }

            _asked.Add(pid);
            try
            {
                DotnetDiagnosticsClient.EnablePerfMap(procRoot, pid, Timeout);
                LogEnabled(logger, pid);
            }
            catch (RuntimeAttachException ex)
            {
                LogFailed(logger, pid, ex.Message);
            }

            return true;
        }
    }

    /// <summary>Forgets exited processes (a reused pid is a new process to ask).</summary>
    public void Prune(IReadOnlySet<int> livePids)
    {
        lock (_gate)
        {
            _asked.RemoveWhere(pid => !livePids.Contains(pid));
        }
    }

    [LoggerMessage(EventId = 51, Level = LogLevel.Information, Message = "asked .NET process {Pid} to write its perf map (--enable-perf-maps): its JIT frames are named from now on")]
    private static partial void LogEnabled(ILogger logger, int pid);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "could not ask .NET process {Pid} for its perf map: {Reason}; start it with DOTNET_PerfMapEnabled=3 instead")]
    private static partial void LogFailed(ILogger logger, int pid, string reason);
}
