namespace Ember.Profiles.Otlp;

/// <summary>An OTLP profile: samples of a single sample type over a time window.</summary>
public sealed class Profile
{
    /// <summary>Type and unit of every value in <see cref="Samples"/>.</summary>
    public ProfileValueType SampleType { get; set; } = new(string.Empty, string.Empty);

    /// <summary>The samples.</summary>
    public List<Sample> Samples { get; } = [];

    /// <summary>Collection start, nanoseconds since the Unix epoch.</summary>
    public ulong TimeUnixNano { get; set; }

    /// <summary>Window length in nanoseconds.</summary>
    public ulong DurationNano { get; set; }

    /// <summary>What <see cref="Period"/> counts; null when unset.</summary>
    public ProfileValueType? PeriodType { get; set; }

    /// <summary>Distance between samples in <see cref="PeriodType"/> units.</summary>
    public long Period { get; set; }

    /// <summary>16-byte profile ID; empty when unset.</summary>
    public byte[] ProfileId { get; set; } = [];

    /// <summary>Attributes the producer dropped.</summary>
    public uint DroppedAttributesCount { get; set; }

    /// <summary>Format of <see cref="OriginalPayload"/>, e.g. "pprof".</summary>
    public string OriginalPayloadFormat { get; set; } = string.Empty;

    /// <summary>The original payload this profile was converted from, if kept.</summary>
    public byte[] OriginalPayload { get; set; } = [];

    /// <summary>Profile attributes (pprof.* compatibility attributes among them).</summary>
    public List<KeyValueAndUnit> Attributes { get; } = [];
}

/// <summary>
/// A sample: a stack with attributes and an optional span link, and its observations as values,
/// timestamps, or both (equal length).
/// </summary>
public sealed class Sample
{
    /// <summary>The call stack.</summary>
    public Stack Stack { get; set; } = new();

    /// <summary>Sample attributes (keys unique within a sample).</summary>
    public List<KeyValueAndUnit> Attributes { get; } = [];

    /// <summary>The span this sample was taken in; null when none.</summary>
    public Link? Link { get; set; }

    /// <summary>Values in the profile's sample type.</summary>
    public List<long> Values { get; } = [];

    /// <summary>Observation times, nanoseconds since the Unix epoch.</summary>
    public List<ulong> TimestampsUnixNano { get; } = [];

    /// <summary>Sum of values; when only timestamps are present each counts as 1.</summary>
    public long Total
    {
        get
        {
            if (Values.Count == 0)
            {
                return TimestampsUnixNano.Count;
            }

            long sum = 0;
            foreach (var v in Values)
            {
                sum += v;
            }

            return sum;
        }
    }
}

/// <summary>A call stack, leaf first.</summary>
public sealed class Stack
{
    /// <summary>Locations, leaf at index 0.</summary>
    public List<Location> Locations { get; } = [];
}

/// <summary>A link from a sample to a trace span.</summary>
public sealed class Link
{
    /// <summary>Creates a link.</summary>
    public Link(byte[] traceId, byte[] spanId)
    {
        TraceId = traceId;
        SpanId = spanId;
    }

    /// <summary>16-byte trace ID.</summary>
    public byte[] TraceId { get; }

    /// <summary>8-byte span ID.</summary>
    public byte[] SpanId { get; }

    /// <summary>True for the all-zero link that table element 0 holds.</summary>
    public bool IsEmpty => !TraceId.AsSpan().ContainsAnyExcept((byte)0) && !SpanId.AsSpan().ContainsAnyExcept((byte)0);
}
