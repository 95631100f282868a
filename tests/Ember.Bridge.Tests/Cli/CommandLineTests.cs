using Ember.Bridge.Cli;
using Ember.Bridge.Configuration;

namespace Ember.Bridge.Tests.Cli;

/// <summary>The serving flags, the config file, the environment and how they combine; environments are injected, never the process's own.</summary>
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
        var settings = Resolve();

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
        var file = ConfigFile("""
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

        var fromFile = Resolve("--config", file);
        var overridden = Resolve("--config", file, "--http-listen", "127.0.0.1:1234", "--sink", "pyroscope:http://pyroscope:4040", "--sink", "file:./other");

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
    [InlineData("""{ "sinks": [ { "sink": "file:a", "nmae": "x" } ] }""", "unknown key \"sinks[0].nmae\"")]
    [InlineData("""{ "spool": { "dir": "x" } }""", "\"spool\" must be a value")]
    [InlineData("""{ "sinks": [ { "sink": "file:a", "options": { "max-bytes": { "a": 1 } } } ] }""", "\"sinks[0].options.max-bytes\" must be a string, number or boolean")]
    [InlineData("""{ "sinks": [ { "name": "x" } ] }""", "\"sinks[0]\" needs \"sink\"")]
    [InlineData("""{ "sinks": [ { "sink": "s3:bucket" } ] }""", "\"sinks[0].sink\" 's3:bucket' is not KIND:TARGET")]
    [InlineData("""{ "spoolMaxBytes": "lots" }""", "'lots' at 'SpoolMaxBytes'")]
    [InlineData("""[ 1 ]""", "--config ")]
    [InlineData("""{ "spool": """, "not valid JSON")]
    public void Config_mistakes_name_the_key(string json, string expected)
    {
        var error = Assert.Throws<BridgeConfigurationException>(() => Resolve("--config", ConfigFile(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_overrides_the_file_and_flags_override_the_environment()
    {
        var file = ConfigFile("""{ "httpListen": "0.0.0.0:1001", "spool": "/file/spool", "spoolMaxBytes": 1000 }""");
        var environment = new Dictionary<string, string>
        {
            ["EMBER_BRIDGE_HTTPLISTEN"] = "0.0.0.0:1002",
            ["EMBER_BRIDGE_SPOOL"] = "/env/spool",
            ["OTHER_SPOOL"] = "/not/ours",
        };

        var fileOnly = Resolve("--config", file);
        var withEnvironment = ResolveWith(environment, "--config", file);
        var withFlag = ResolveWith(environment, "--config", file, "--http-listen", "0.0.0.0:1003");

        Assert.Equal(("0.0.0.0:1001", "/file/spool"), (fileOnly.HttpListen.ToString(), fileOnly.SpoolDirectory));
        Assert.Equal(("0.0.0.0:1002", "/env/spool"), (withEnvironment.HttpListen.ToString(), withEnvironment.SpoolDirectory));
        Assert.Equal(("0.0.0.0:1003", "/env/spool"), (withFlag.HttpListen.ToString(), withFlag.SpoolDirectory));
        Assert.All(new[] { fileOnly, withEnvironment, withFlag }, s => Assert.Equal(1000, s.SpoolMaxBytes));
        Assert.All(new[] { fileOnly, withEnvironment, withFlag }, s => Assert.Equal("127.0.0.1:4317", s.GrpcListen.ToString()));
    }

    [Fact]
    public void Environment_variables_set_sinks_and_their_options_by_index()
    {
        var file = ConfigFile("""{ "sinks": [ { "sink": "pyroscope:http://pyroscope:4040", "options": { "tenant": "team-a", "timeout": "5" } } ] }""");
        var environment = new Dictionary<string, string>
        {
            ["EMBER_BRIDGE_SINKS__0__OPTIONS__TENANT"] = "team-b",
            ["EMBER_BRIDGE_SINKS__1__SINK"] = "parca:parca:7070",
            ["EMBER_BRIDGE_SINKS__1__OPTIONS__INSECURE"] = "true",
        };

        var settings = ResolveWith(environment, "--config", file);

        Assert.Equal(["pyroscope-0", "parca-1"], settings.Sinks.Select(s => s.Name));
        Assert.Equal(("team-b", "5"), (settings.Sinks[0].Option("tenant"), settings.Sinks[0].Option("timeout")));
        Assert.Equal(("parca", "parca:7070", "true"), (settings.Sinks[1].Kind, settings.Sinks[1].Target, settings.Sinks[1].Option("insecure")));
    }

    [Fact]
    public void Kubernetes_service_variables_of_the_ember_bridge_Service_are_not_settings()
    {
        var settings = ResolveWith(new Dictionary<string, string>
        {
            ["EMBER_BRIDGE_SERVICE_HOST"] = "10.0.0.7",
            ["EMBER_BRIDGE_SERVICE_PORT"] = "4317",
            ["EMBER_BRIDGE_SERVICE_PORT_OTLP_GRPC"] = "4317",
            ["EMBER_BRIDGE_PORT"] = "tcp://10.0.0.7:4317",
            ["EMBER_BRIDGE_PORT_4318_TCP"] = "tcp://10.0.0.7:4318",
            ["EMBER_BRIDGE_PORT_4318_TCP_ADDR"] = "10.0.0.7",
        });

        Assert.Equal("127.0.0.1:4318", settings.HttpListen.ToString());
    }

    [Theory]
    [InlineData("unknown key in the file", """{ "httpListn": "x" }""", null, null, "--config ", "unknown key \"httpListn\"")]
    [InlineData("unknown key in the environment", null, "EMBER_BRIDGE_HTTPLISTN", "x", "environment: ", "unknown key EMBER_BRIDGE_HTTPLISTN")]
    [InlineData("unknown sink key in the environment", null, "EMBER_BRIDGE_SINKS__0__TARGET", "x", "environment: ", "unknown key EMBER_BRIDGE_SINKS__0__TARGET")]
    [InlineData("wrong type in the file", """{ "maxRequestBytes": "lots" }""", null, null, "--config ", "'lots' at 'MaxRequestBytes'")]
    [InlineData("wrong type in the environment", null, "EMBER_BRIDGE_MAXREQUESTBYTES", "lots", "environment: ", "'lots' at 'MaxRequestBytes'")]
    [InlineData("wrong type in the file, overridden by the environment", """{ "spoolMaxBytes": "lots" }""", "EMBER_BRIDGE_SPOOLMAXBYTES", "5", "--config ", "'lots' at 'SpoolMaxBytes'")]
    [InlineData("bad address in the environment", null, "EMBER_BRIDGE_GRPCLISTEN", "nowhere", "", "EMBER_BRIDGE_GRPCLISTEN 'nowhere' is not HOST:PORT")]
    [InlineData("negative size in the environment", null, "EMBER_BRIDGE_SPOOLMAXBYTES", "-5", "", "EMBER_BRIDGE_SPOOLMAXBYTES must be a positive")]
    public void Configuration_mistakes_in_any_layer_exit_2_naming_the_layer_and_the_key(string why, string? json, string? variable, string? value, string layer, string key)
    {
        var environment = variable is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [variable] = value! };
        string[] args = json is null ? [] : ["--config", ConfigFile(json)];

        var (code, _, error) = RunWith(environment, args);

        Assert.True(code == 2, why);
        Assert.StartsWith("ember-bridge: " + layer, error, StringComparison.Ordinal);
        // The binder names a mistyped setting by its property name, which is the key (keys are case-insensitive).
        Assert.Contains(key, error, StringComparison.Ordinal);
    }

    private static BridgeSettings Resolve(params string[] args) => ResolveWith(new Dictionary<string, string>(), args);

    /// <summary>The settings the serving flags, <paramref name="environment"/> and the config file give, without serving.</summary>
    private static BridgeSettings ResolveWith(Dictionary<string, string> environment, params string[] args)
    {
        var root = new System.CommandLine.RootCommand();
        var flags = new ServeFlags();
        flags.AddTo(root);
        var result = root.Parse(args);
        Assert.Empty(result.Errors);
        return BridgeConfiguration.Load(flags.Read(result, environment));
    }

    /// <summary>Writes a config file into a fresh temporary directory.</summary>
    private static string ConfigFile(string json)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ember-bridge-config-").FullName, "bridge.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static (int Code, string Output, string Error) Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    private static (int Code, string Output, string Error) RunWith(Dictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = BridgeCommandLine.Run(args, output, error, environment);
        return (code, output.ToString(), error.ToString());
    }
}
