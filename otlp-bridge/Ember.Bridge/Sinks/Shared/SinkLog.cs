using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>Log messages all sinks share.</summary>
internal static partial class SinkLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning,
        Message = "sink {Sink}: the server rejected {RejectedProfiles} profile(s) of an accepted batch, not retried: {ServerMessage}")]
    public static partial void PartiallyRejected(ILogger logger, string sink, long rejectedProfiles, string serverMessage);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "sink {Sink}: delivered {Profiles} profile(s) in {Requests} request(s)")]
    public static partial void Delivered(ILogger logger, string sink, int profiles, int requests);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "sink {Sink}: {Kind} sink to {Target} ({Details})")]
    public static partial void Created(ILogger logger, string sink, string kind, Uri target, object details);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "sink {Sink}: the server accepted the batch but its answer was unreadable ({Detail}); not resent, which would duplicate it")]
    public static partial void UnreadableResponse(ILogger logger, string sink, string detail);
}
