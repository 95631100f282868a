using System.Text;
using Ember.Profiles.Otlp.Json;

namespace Ember.Profiles.Tests.Json;

public class JsonIntegerTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("123", "123")]
    [InlineData("-42", "-42")]
    [InlineData("000123", "123")]
    [InlineData("1e2", "100")]
    [InlineData("1E+2", "100")]
    [InlineData("100e-2", "1")]
    [InlineData("2.50e1", "25")]
    [InlineData("16.000", "16")]
    [InlineData("0.0e999999999999999999", "0")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    [InlineData("99999999999999999999", "99999999999999999999")]
    [InlineData("0.00000000000000000000000000000000000000001e41", "1")]
    public void Integral_values_parse_exactly_in_any_notation(string text, string expected)
    {
        Assert.Equal(JsonIntegerStatus.Ok, JsonInteger.TryParse(Encoding.UTF8.GetBytes(text), out var value));
        Assert.Equal(Int128.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("1.5", "NotIntegral")]
    [InlineData("1e-1", "NotIntegral")]
    [InlineData("0.1", "NotIntegral")]
    [InlineData("1.00000000000000000000000000000000001", "NotIntegral")]
    [InlineData("1e-99999999999999999999", "NotIntegral")]
    [InlineData("1e21", "OutOfRange")]
    [InlineData("123456789012345678901", "OutOfRange")]
    [InlineData("1e99999999999999999999", "OutOfRange")]
    [InlineData("", "NotANumber")]
    [InlineData("-", "NotANumber")]
    [InlineData("1.", "NotANumber")]
    [InlineData(".5", "NotANumber")]
    [InlineData("1e", "NotANumber")]
    [InlineData("1e+", "NotANumber")]
    [InlineData("+1", "NotANumber")]
    [InlineData(" 1", "NotANumber")]
    [InlineData("1 ", "NotANumber")]
    [InlineData("0x10", "NotANumber")]
    [InlineData("١٢", "NotANumber")]
    public void Other_text_is_rejected_with_the_reason(string text, string expected)
    {
        Assert.Equal(expected, JsonInteger.TryParse(Encoding.UTF8.GetBytes(text), out _).ToString());
    }
}
