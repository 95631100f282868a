using Microsoft.Extensions.Logging;

namespace Ember.Agent;

/// <summary>The agent's log messages outside the sampler (event IDs 100+), source-generated.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "sampled {Samples} times; dropped {Dropped} (idle {Idle}, other pids {OtherPids}, map full {MapFull}); process events lost {ProcessEventsLost}")]
    public static partial void RecordingFinished(ILogger logger, long samples, long dropped, long idle, long otherPids, long mapFull, long processEventsLost);
}
