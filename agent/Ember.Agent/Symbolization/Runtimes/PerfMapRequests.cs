using Ember.Symbols.Processes;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Symbolization.Runtimes;

/// <summary>
/// With <c>--enable-perf-maps</c>: asks running runtimes to write their perf maps, so their JIT frames
/// get names without a restart. A .NET process (8+) is asked once
/// (<see cref="DotnetDiagnosticsClient.EnablePerfMap"/>: it keeps the map up to date from then on);
/// a JVM (JDK 17+) writes a snapshot each time it is asked (<see cref="JvmAttachClient.WritePerfMap"/>),
/// so it is asked again when its JIT frames go unnamed, at most every <see cref="JvmInterval"/>.
/// Thread safe: the event thread asks when it captures a process, the loop when it meets a JIT
/// frame nothing names (a process that loaded its runtime after its first sample, new JVM code).
/// </summary>
internal sealed partial class PerfMapRequests(string procRoot, ILogger logger, TimeProvider? time = null)
{
    /// <summary>How often a JVM may be asked for a fresh snapshot of its perf map.</summary>
    public static readonly TimeSpan JvmInterval = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private static readonly IRuntimeDetector Dotnet = RuntimeRegistry.Known.Single(r => r.FrameType == "dotnet");
    private static readonly IRuntimeDetector Jvm = RuntimeRegistry.Known.Single(r => r.FrameType == "jvm");

    private readonly Lock _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>When each process was last asked; a .NET process, and one that refused, is never asked twice.</summary>
    private readonly Dictionary<int, (IRuntimeDetector Runtime, DateTimeOffset At, bool Refused)> _asked = [];

    /// <summary>Asks <paramref name="pid"/> when it runs .NET or a JVM and is due; true when it runs one of them (asked now or before).</summary>
    public bool Request(int pid)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_asked.TryGetValue(pid, out var asked))
            {
                if (asked.Runtime == Jvm && !asked.Refused && now - asked.At >= JvmInterval)
                {
                    Ask(pid, Jvm, now);
                }

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

            var runtime = Dotnet.IsLoadedIn(mappings) ? Dotnet : Jvm.IsLoadedIn(mappings) ? Jvm : null;
            if (runtime is null)
            {
                return false;
            }

            Ask(pid, runtime, now);
            return true;
        }
    }

    /// <summary>Whether <paramref name="runtime"/> is one this asks (.NET, the JVM).</summary>
    public static bool CanAsk(IRuntimeDetector runtime) => runtime == Dotnet || runtime == Jvm;

    private void Ask(int pid, IRuntimeDetector runtime, DateTimeOffset now)
    {
        var first = !_asked.ContainsKey(pid);
        _asked[pid] = (runtime, now, false);
        try
        {
            if (runtime == Dotnet)
            {
                DotnetDiagnosticsClient.EnablePerfMap(procRoot, pid, Timeout);
            }
            else
            {
                JvmAttachClient.WritePerfMap(procRoot, pid, Timeout);
            }

            if (first)
            {
                LogAsked(logger, pid, runtime.FrameType);
            }
            else
            {
                LogAskedAgain(logger, pid, runtime.FrameType);
            }
        }
        catch (RuntimeAttachException ex)
        {
            // A JVM that refused once (attach disabled, another user) would stall the loop on every retry.
            _asked[pid] = (runtime, now, true);
            LogFailed(logger, pid, runtime.FrameType, ex.Message, runtime.NamingHint);
        }
    }

    /// <summary>Forgets exited processes (a reused pid is a new process to ask).</summary>
    public void Prune(IReadOnlySet<int> livePids)
    {
        lock (_gate)
        {
            foreach (var pid in _asked.Keys.Where(pid => !livePids.Contains(pid)).ToList())
            {
                _asked.Remove(pid);
            }
        }
    }

    [LoggerMessage(EventId = 51, Level = LogLevel.Information, Message = "asked process {Pid} ({Runtime}) to write its perf map (--enable-perf-maps): its JIT frames are named from now on")]
    private static partial void LogAsked(ILogger logger, int pid, string runtime);

    [LoggerMessage(EventId = 53, Level = LogLevel.Debug, Message = "asked process {Pid} ({Runtime}) again for its perf map: it compiled code the last one lacks")]
    private static partial void LogAskedAgain(ILogger logger, int pid, string runtime);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "could not ask process {Pid} ({Runtime}) for its perf map: {Reason}; instead: {Hint}")]
    private static partial void LogFailed(ILogger logger, int pid, string runtime, string reason, string hint);
}
