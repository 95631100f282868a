using Ember.Bridge.Cli;
using Ember.Bridge.Configuration;

namespace Ember.Bridge.Tests.Cli;

/// <summary>The serving flags, the config file and how they combine.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void Help_lists_every_serving_flag_and_the_convert_command()
    {
        var (code, output, _) = Run("--help");

        Assert.Equal(0, code);
        foreach (var flag in new[] { "--grpc-listen", "--http-listen", "--sink", "--spool", "--spool-max-bytes", "--config", "--max-request-bytes", "--max-decompressed-bytes", "--auth-token-file", "--tls-cert", "--tls-key", "convert" })
        {
            Assert.Contains(flag, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("unknown sink kind", "--sink", "s3:bucket")]
    [InlineData("sink without target", "--sink", "file:")]
    [InlineData("bad listen address", "--grpc-listen", "nowhere")]
    [InlineData("missing config", "--config", "/nonexistent/ember-bridge.json")]
    [InlineData("tls cert without key", "--tls-cert", "/tmp/cert.pem")]
    [InlineData("parca target without a port", "--sink", "parca:parca")]
    public void Usage_errors_exit_2_with_a_message(string why, params string[] args)
    {
        var (code, _, error) = Run(args);

        Assert.True(code == 2, why);
        Assert.StartsWith("ember-bridge: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void No_flags_mean_the_documented_defaults()
    {
        var settings = new BridgeFlags().Resolve(null);

        Assert.Equal("127.0.0.1:4317", settings.GrpcListen.ToString());
        Assert.Equal("127.0.0.1:4318", settings.HttpListen.ToString());
        var sink = Assert.Single(settings.Sinks);
        Assert.Equal(("file", "./profiles"), (sink.Kind, sink.Target));
        Assert.Equal("./spool", settings.SpoolDirectory);
        Assert.Equal(64L * 1024 * 1024, settings.MaxDecompressedBytes);
    }

    [Fact]
    public void Config_file_sinks_keep_their_options_and_flags_win()
    {
        var file = BridgeConfigFile.Parse("""
            {
              // comments are allowed
              "httpListen": "0.0.0.0:9999",
              "spool": "/var/spool/ember",
              "maxDecompressedBytes": 1048576,
              "sinks": [
                { "sink": "pyroscope:http://pyroscope:4040", "name": "pyro", "options": { "tenant": "team-a", "timeout": 5 } },
                { "sink": "file:/data/profiles", "options": { "max-bytes": "1000000" } }
              ]
            }
            """);

        var fromFile = new BridgeFlags().Resolve(file);
        var overridden = new BridgeFlags { HttpListen = "127.0.0.1:1234", Sinks = ["pyroscope:http://pyroscope:4040", "file:./other"] }.Resolve(file);

        Assert.Equal("0.0.0.0:9999", fromFile.HttpListen.ToString());
        Assert.Equal(1048576, fromFile.MaxDecompressedBytes);
        Assert.Equal(["pyro", "file-1"], fromFile.Sinks.Select(s => s.Name));
        Assert.Equal("team-a", fromFile.Sinks[0].Option("tenant"));
        Assert.Equal("5", fromFile.Sinks[0].Option("timeout"));
        Assert.Equal("127.0.0.1:1234", overridden.HttpListen.ToString());
        Assert.Equal("/var/spool/ember", overridden.SpoolDirectory);
        Assert.Equal("team-a", overridden.Sinks[0].Option("tenant"));
        Assert.Equal(("file", "./other", "file-1"), (overridden.Sinks[1].Kind, overridden.Sinks[1].Target, overridden.Sinks[1].Name));
        Assert.Empty(overridden.Sinks[1].Options);
    }

    [Theory]
    [InlineData("""{ "httpListn": "x" }""", "unknown key \"httpListn\"")]
    [InlineData("""{ "sinks": [ { "sink": "file:a", "name": "x" }, { "sink": "file:b", "name": "x" } ] }""", "two sinks are named 'x'")]
    [InlineData("""{ "spoolMaxBytes": -1 }""", "\"spoolMaxBytes\" must be a positive")]
    [InlineData("""{ "sinks": [ { "sink": "file:a", "name": "../escape" } ] }""", "sink name '../escape'")]
    public void Config_mistakes_name_the_key(string json, string expected)
    {
        var error = Assert.Throws<BridgeConfigurationException>(() => new BridgeFlags().Resolve(BridgeConfigFile.Parse(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = BridgeCommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
