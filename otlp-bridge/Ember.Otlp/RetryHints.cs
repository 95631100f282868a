using System.Globalization;
using System.Net.Http.Headers;
using Ember.Profiles;
using Ember.Profiles.Protobuf;

namespace Ember.Otlp;

/// <summary>
/// The server's back-off hints: HTTP Retry-After (RFC 9110 §10.2.3), gRPC
/// <c>grpc-retry-pushback-ms</c> (gRFC A6) and <c>google.rpc.RetryInfo</c> in <c>grpc-status-details-bin</c>.
/// </summary>
public static class RetryHints
{
    private const string RetryInfoType = "type.googleapis.com/google.rpc.RetryInfo";

    /// <summary>Retry-After as delta-seconds or as an HTTP-date (a past date means "now"); null when absent.</summary>
    public static TimeSpan? FromRetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    /// <summary><c>grpc-retry-pushback-ms</c>; null when absent, negative or unreadable.</summary>
    public static TimeSpan? FromPushbackMilliseconds(string? text) =>
        text is not null && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? TimeSpan.FromMilliseconds(milliseconds)
            : null;

    /// <summary>
    /// The retry_delay of a <c>google.rpc.RetryInfo</c> among the details of a serialized
    /// <c>google.rpc.Status{details(3): Any{type_url(1), value(2)}}</c>; null when there is none or the bytes are unreadable
    /// (a hint is optional, so a broken one is ignored rather than failing the classification).
    /// </summary>
    public static TimeSpan? FromStatusDetails(ReadOnlySpan<byte> status)
    {
        try
        {
            var reader = new ProtoReader(status, 0, "google.rpc.Status");
            while (reader.TryReadTag(out var field, out var wireType))
            {
                if (field == 3 && wireType == WireType.LengthDelimited && RetryDelayOf(reader.ReadMessage("google.protobuf.Any")) is { } delay)
                {
                    return delay;
                }

                if (field != 3 || wireType != WireType.LengthDelimited)
                {
                    reader.Skip(field, wireType);
                }
            }
        }
        catch (ProfileFormatException)
        {
            return null;
        }

        return null;
    }

    /// <summary>The larger of two optional hints: every hint is a lower bound on the wait.</summary>
    public static TimeSpan? Longest(TimeSpan? first, TimeSpan? second) =>
        first is { } a && second is { } b ? (a > b ? a : b) : first ?? second;

    private static TimeSpan? RetryDelayOf(ProtoReader any)
    {
        var typeUrl = "";
        ReadOnlySpan<byte> value = default;
        while (any.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                typeUrl = any.ReadString();
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                value = any.ReadBytes(out _);
            }
            else
            {
                any.Skip(field, wireType);
            }
        }

        // Only a RetryInfo's value is read: other details (DebugInfo, ErrorInfo...) are not ours to parse.
        return typeUrl == RetryInfoType ? ReadRetryInfo(new ProtoReader(value, 0, "google.rpc.RetryInfo")) : null;
    }

    /// <summary>RetryInfo{retry_delay(1): Duration{seconds(1), nanos(2)}}.</summary>
    private static TimeSpan? ReadRetryInfo(ProtoReader retryInfo)
    {
        TimeSpan? delay = null;
        while (retryInfo.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                var duration = retryInfo.ReadMessage("google.protobuf.Duration");
                long seconds = 0;
                long nanos = 0;
                while (duration.TryReadTag(out var durationField, out var durationWire))
                {
                    switch (durationField)
                    {
                        case 1: seconds = duration.ReadInt64Field(durationField, durationWire); break;
                        case 2: nanos = duration.ReadInt32Field(durationField, durationWire); break;
                        default: duration.Skip(durationField, durationWire); break;
                    }
                }

                delay = seconds < 0 || nanos < 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks(nanos / 100);
            }
            else
            {
                retryInfo.Skip(field, wireType);
            }
        }

        return delay;
    }
}
