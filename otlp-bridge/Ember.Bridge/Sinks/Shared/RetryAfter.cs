using System.Globalization;
using System.Net.Http.Headers;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>The server's back-off hint: HTTP Retry-After (RFC 9110 §10.2.3) and gRPC pushback.</summary>
public static class RetryAfter
{
    /// <summary>Retry-After as delta-seconds or as an HTTP-date (a past date means "now"); null when absent.</summary>
    /// <param name="header">The parsed header.</param>
    /// <param name="now">The current time, for HTTP-dates.</param>
    public static TimeSpan? FromHeader(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>gRPC <c>grpc-retry-pushback-ms</c> (gRFC A6); null when absent, negative or unreadable.</summary>
    public static TimeSpan? FromPushbackMilliseconds(string? text) =>
        text is not null && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? TimeSpan.FromMilliseconds(milliseconds)
            : null;
}
