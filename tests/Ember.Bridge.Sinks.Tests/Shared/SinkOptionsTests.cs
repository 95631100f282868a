using Ember.Bridge.Sinks.Otlp;
using Ember.Bridge.Sinks.Parca;
using Ember.Bridge.Sinks.Pyroscope;
using Ember.Bridge.Sinks.Shared;

namespace Ember.Bridge.Sinks.Tests.Shared;

/// <summary>The options every network sink shares are read once, the same way for each kind.</summary>
public sealed class SinkOptionsTests
{
    public static TheoryData<string, string> Kinds => new()
    {
        { "otlp", "http://collector:4317" },
        { "pyroscope", "http://pyroscope:4040" },
        { "parca", "parca:7070" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Name_timeout_and_credentials_are_common_to_every_kind(string kind, string target)
    {
        using var options = Parse(Specs.Of(kind, target, ("timeout", "2.5"), ("bearer-token-file", Specs.TempFile("token\n"))));

        Assert.Equal(kind + "-test", options.Value.Name);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Value.Timeout);
        Assert.Equal("Bearer token", options.Value.Authentication!.HeaderValue);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Defaults_are_10_seconds_and_no_credentials(string kind, string target)
    {
        using var options = Parse(Specs.Of(kind, target));

        Assert.Equal(TimeSpan.FromSeconds(10), options.Value.Timeout);
        Assert.Null(options.Value.Authentication);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Option_keys_are_case_insensitive_as_environment_variables_spell_them(string kind, string target)
    {
        using var options = Parse(Specs.Of(kind, target, ("TIMEOUT", "3")));

        Assert.Equal(TimeSpan.FromSeconds(3), options.Value.Timeout);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Another_kinds_key_is_refused_by_name(string kind, string target)
    {
        var foreign = kind == "parca" ? "tenant" : "insecure";

        var error = Assert.Throws<SinkConfigurationException>(() => Parse(Specs.Of(kind, target, (foreign, "x"))));

        Assert.Equal(foreign, error.ParamName);
        Assert.Contains("timeout", error.Message, StringComparison.Ordinal);
    }

    private static Parsed Parse(SinkSpecification specification) => new(specification.Kind switch
    {
        "otlp" => OtlpSinkOptions.Parse(specification),
        "pyroscope" => PyroscopeSinkOptions.Parse(specification),
        _ => ParcaSinkOptions.Parse(specification),
    });

    /// <summary>Disposes the TLS policy the options own.</summary>
    private sealed record Parsed(SinkOptions Value) : IDisposable
    {
        public void Dispose() => Value.Tls.Dispose();
    }
}
