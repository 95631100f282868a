using System.Net.Http.Headers;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Ember.Otlp.Tests;

public sealed class RetryHintsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 6, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("120", 120)]
    [InlineData("0", 0)]
    [InlineData("Wed, 25 Nov 2026 06:00:30 GMT", 30)]
    [InlineData("Wed, 25 Nov 2026 05:59:00 GMT", 0)]
    public void Retry_after_seconds_and_http_dates_are_read(string text, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetryHints.FromRetryAfter(RetryConditionHeaderValue.Parse(text), Now));

    [Fact]
    public void No_retry_after_gives_no_hint() => Assert.Null(RetryHints.FromRetryAfter(null, Now));

    [Theory]
    [InlineData("250", 250)]
    [InlineData("0", 0)]
    public void Grpc_pushback_is_milliseconds(string text, int expected) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expected), RetryHints.FromPushbackMilliseconds(text));

    [Theory]
    [InlineData(null)]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void Negative_or_malformed_pushback_gives_no_hint(string? text) => Assert.Null(RetryHints.FromPushbackMilliseconds(text));

    [Fact]
    public void Retry_info_among_the_status_details_is_the_hint()
    {
        var status = Status(
            new Any { TypeUrl = "type.googleapis.com/google.rpc.DebugInfo", Value = ByteString.CopyFromUtf8("ignored") },
            RetryInfo(TimeSpan.FromSeconds(2.5)));

        Assert.Equal(TimeSpan.FromSeconds(2.5), RetryHints.FromStatusDetails(status));
    }

    [Fact]
    public void Status_details_without_retry_info_give_no_hint() =>
        Assert.Null(RetryHints.FromStatusDetails(Status(new Any { TypeUrl = "type.googleapis.com/google.rpc.DebugInfo", Value = ByteString.CopyFromUtf8("x") })));

    [Fact]
    public void Unreadable_status_details_give_no_hint() => Assert.Null(RetryHints.FromStatusDetails([0x1A, 0x7F, 0x01]));

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(3, null, 3)]
    [InlineData(null, 4, 4)]
    [InlineData(3, 4, 4)]
    [InlineData(5, 4, 5)]
    public void The_longest_hint_wins(int? first, int? second, int? expected) =>
        Assert.Equal(Seconds(expected), RetryHints.Longest(Seconds(first), Seconds(second)));

    private static TimeSpan? Seconds(int? value) => value is { } s ? TimeSpan.FromSeconds(s) : null;

    /// <summary>google.rpc.RetryInfo{retry_delay(1)} in an Any, written with Google.Protobuf.</summary>
    private static Any RetryInfo(TimeSpan delay)
    {
        using var bytes = new MemoryStream();
        using (var output = new CodedOutputStream(bytes, leaveOpen: true))
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteMessage(Duration.FromTimeSpan(delay));
        }

        return new Any { TypeUrl = "type.googleapis.com/google.rpc.RetryInfo", Value = ByteString.CopyFrom(bytes.ToArray()) };
    }

    /// <summary>google.rpc.Status{code(1)=8, message(2), details(3)...}.</summary>
    private static byte[] Status(params Any[] details)
    {
        using var bytes = new MemoryStream();
        using (var output = new CodedOutputStream(bytes, leaveOpen: true))
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt32(8);
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteString("slow down");
            foreach (var detail in details)
            {
                output.WriteTag(3, WireFormat.WireType.LengthDelimited);
                output.WriteMessage(detail);
            }
        }

        return bytes.ToArray();
    }
}
