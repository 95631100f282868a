using System.Net.Http.Headers;
using Ember.Bridge.Sinks.Shared;

namespace Ember.Bridge.Sinks.Tests.Shared;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 6, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("120", 120)]
    [InlineData("0", 0)]
    [InlineData("Wed, 25 Nov 2026 06:00:30 GMT", 30)]
    [InlineData("Wed, 25 Nov 2026 05:59:00 GMT", 0)]
    public void Seconds_and_http_dates_are_read(string text, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetryAfter.FromHeader(RetryConditionHeaderValue.Parse(text), Now));

    [Fact]
    public void No_header_gives_no_hint() => Assert.Null(RetryAfter.FromHeader(null, Now));

    [Theory]
    [InlineData("250", 250)]
    [InlineData("0", 0)]
    public void Grpc_pushback_is_milliseconds(string text, int expected) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expected), RetryAfter.FromPushbackMilliseconds(text));

    [Theory]
    [InlineData(null)]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void Negative_or_malformed_pushback_gives_no_hint(string? text) => Assert.Null(RetryAfter.FromPushbackMilliseconds(text));
}
