namespace Ember.Otlp.Tests;

public sealed class OtlpHeadersTests
{
    [Fact]
    public void Pairs_are_comma_separated_with_percent_decoded_names_and_values() =>
        Assert.Equal(
            [new("authorization", "Bearer abc=="), new("x-tenant", "team-a"), new("empty", "")],
            OtlpHeaders.Parse("authorization=Bearer%20abc%3D%3D, x-tenant = team-a ,,empty="));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_text_is_no_headers(string? text) => Assert.Empty(OtlpHeaders.Parse(text));

    [Theory]
    [InlineData("=value")]
    [InlineData("no-equals-sign")]
    [InlineData("bad%20name=value")]
    [InlineData("bad name=value")]
    [InlineData("x!y(=1")]
    public void A_pair_without_a_valid_name_is_a_format_error(string text) =>
        Assert.Throws<FormatException>(() => OtlpHeaders.Parse(text));

    [Fact]
    public void Errors_name_the_position_never_the_value()
    {
        var error = Assert.Throws<FormatException>(() => OtlpHeaders.Parse("x-api-key=sekrit-value,broken"));

        Assert.Contains("header 2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit", error.Message, StringComparison.Ordinal);
    }
}
