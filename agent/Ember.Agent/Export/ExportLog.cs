using Ember.Otlp;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Export;

/// <summary>The export path's log messages (event IDs 200+), source-generated.</summary>
internal static partial class ExportLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "exporting profiles over {Protocol} to {Endpoint} every {Interval}")]
    public static partial void Started(ILogger logger, OtlpProtocol protocol, Uri endpoint, TimeSpan interval);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information,
        Message = "window of {WindowSamples} samples queued; totals: {Samples} samples exported in {Requests} requests, {Retries} retries, {Failures} windows failed, {QueueDrops} dropped from the queue, {Rejected} profiles rejected, last export {LatencyMs} ms")]
    public static partial void WindowSummary(ILogger logger, long windowSamples, long samples, long requests, long retries, long failures, long queueDrops, long rejected, long latencyMs);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "export attempt {Attempt} failed ({Reason}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 203, Level = LogLevel.Error, Message = "dropped a window of {Samples} samples: {Reason}")]
    public static partial void ExportFailed(ILogger logger, long samples, string reason);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "the collector rejected {Rejected} profiles: {Message}")]
    public static partial void PartiallyRejected(ILogger logger, long rejected, string message);

    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "export queue full; dropped the oldest window ({Samples} samples)")]
    public static partial void QueueDropped(ILogger logger, long samples);

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "gave up flushing {Windows} queued windows at shutdown")]
    public static partial void FlushAbandoned(ILogger logger, int windows);

    [LoggerMessage(EventId = 207, Level = LogLevel.Warning, Message = "the collector accepted a window but its answer was unreadable ({Detail}); not resent, which would duplicate it")]
    public static partial void UnreadableResponse(ILogger logger, string detail);
}
