using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ember.Agent.Cli;

/// <summary>
/// The optional <c>ember-agent run --config FILE</c>: the same settings as the flags, for a
/// ConfigMap. Flags win over the file, the file over the environment (OTEL_EXPORTER_OTLP_*).
/// </summary>
/// <example>
/// <code>
/// { "otlpEndpoint": "http://collector:4317", "frequency": 19, "collectInterval": "15s",
///   "kubernetes": true, "namespaces": ["payments"] }
/// </code>
/// </example>
internal sealed record RunConfigFile(
    string? OtlpEndpoint = null,
    string? OtlpProtocol = null,
    int? Frequency = null,
    string? CollectInterval = null,
    string? Node = null,
    int[]? Pids = null,
    bool? Kubernetes = null,
    string[]? Namespaces = null,
    string? Kubeconfig = null)
{
    /// <summary>Larger than any sensible config file; a bigger file is a mistake, not config.</summary>
    private const long MaxBytes = 1 << 20;

    /// <summary>Reads and validates the file; unknown keys are errors so a typo cannot go unnoticed.</summary>
    /// <exception cref="AgentConfigException">The file is missing, too large, or not valid for this schema.</exception>
    public static RunConfigFile Load(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new AgentConfigException($"config file {path} does not exist");
            }

            if (info.Length > MaxBytes)
            {
                throw new AgentConfigException($"config file {path} is {info.Length} bytes; the limit is {MaxBytes}");
            }

            return JsonSerializer.Deserialize(File.ReadAllBytes(path), RunConfigJsonContext.Default.RunConfigFile)
                ?? throw new AgentConfigException($"config file {path} holds null, not an object");
        }
        catch (JsonException ex)
        {
            throw new AgentConfigException($"config file {path}: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new AgentConfigException($"config file {path} cannot be read: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new AgentConfigException($"config file {path} cannot be read: {ex.Message}", ex);
        }
    }
}

/// <summary>Source-generated (native AOT has no reflection-based JSON) and strict about its input.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(RunConfigFile))]
internal sealed partial class RunConfigJsonContext : JsonSerializerContext;

/// <summary>The agent's configuration file is unusable; the message names the file and the problem.</summary>
public sealed class AgentConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AgentConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the parser's or file system's error.</summary>
    public AgentConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
