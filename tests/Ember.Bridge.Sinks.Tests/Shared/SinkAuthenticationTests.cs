using Ember.Bridge.Sinks.Shared;

namespace Ember.Bridge.Sinks.Tests.Shared;

public sealed class SinkAuthenticationTests
{
    private static readonly string[] Keys = SinkAuthentication.OptionKeys;

    [Fact]
    public void No_options_means_no_credentials() => Assert.Null(SinkAuthentication.Read(Reader()));

    [Fact]
    public void Username_without_password_is_basic_with_an_empty_password()
    {
        var auth = SinkAuthentication.Read(Reader(("username", "u")))!;

        Assert.Equal("Basic " + Convert.ToBase64String("u:"u8.ToArray()), auth.HeaderValue);
    }

    [Theory]
    [InlineData("password", "password-file", "password")]
    [InlineData("password", null, "username")]
    [InlineData("bearer-token-file", "username", "bearer-token-file")]
    public void Conflicting_or_incomplete_options_name_the_option(string first, string? second, string named)
    {
        var file = Specs.TempFile("x");
        var options = new List<(string, string)> { (first, first.EndsWith("-file", StringComparison.Ordinal) ? file : "v") };
        if (second is not null)
        {
            options.Add((second, second.EndsWith("-file", StringComparison.Ordinal) ? file : "v"));
        }

        Assert.Equal(named, Assert.Throws<SinkConfigurationException>(() => SinkAuthentication.Read(Reader([.. options]))).ParamName);
    }

    [Fact]
    public void An_empty_secret_file_is_refused() =>
        Assert.Equal("bearer-token-file", Assert.Throws<SinkConfigurationException>(() => SinkAuthentication.Read(Reader(("bearer-token-file", Specs.TempFile("\n"))))).ParamName);

    [Fact]
    public void ToString_names_the_scheme_only()
    {
        var auth = SinkAuthentication.Read(Reader(("bearer-token-file", Specs.TempFile("very-secret"))))!;

        Assert.Equal("Bearer", auth.ToString());
        Assert.Equal("Bearer very-secret", auth.HeaderValue);
    }

    private static SinkOptionReader Reader(params (string Key, string Value)[] options) => new(Specs.Of("test", "t", options), Keys);
}
