using Microsoft.Extensions.Logging;

namespace Ember.Agent;

/// <summary>The agent's log messages outside the sampler (event IDs 100+), source-generated.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "sampled {Samples} times; dropped {Dropped} (idle {Idle}, other pids {OtherPids}, map full {MapFull})")]
    public static partial void RecordingFinished(ILogger logger, long samples, long dropped, long idle, long otherPids, long mapFull);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "cannot read {Path} of pid {Pid}; its frames keep addresses only")]
    public static partial void BinaryUnreadable(ILogger logger, string path, int pid);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "kernel symbols unavailable ({Reason}); kernel frames stay unsymbolized")]
    public static partial void KernelSymbolsUnavailable(ILogger logger, string reason);
}
