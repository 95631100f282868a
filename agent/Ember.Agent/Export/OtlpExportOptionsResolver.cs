using System.Globalization;
using Ember.Otlp;

namespace Ember.Agent.Export;

/// <summary>
/// Resolves export settings as decision 8 orders them: command-line flags, then the profiles-specific
/// OTEL_EXPORTER_OTLP_PROFILES_* variables, then the generic OTEL_EXPORTER_OTLP_* ones, then defaults
/// (gRPC to http://localhost:4317; OTLP/HTTP to http://localhost:4318/v1development/profiles).
/// </summary>
public static class OtlpExportOptionsResolver
{
    /// <summary>The OTLP/HTTP path of the profiles signal, appended to generic endpoints.</summary>
    public const string HttpPath = OtlpHttpExporter.ProfilesPath;

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Resolves the options.</summary>
    /// <param name="endpointFlag">--otlp-endpoint, or null when not given.</param>
    /// <param name="protocolFlag">--otlp-protocol, or null when not given.</param>
    /// <param name="environment">Reads one environment variable (null or empty when unset).</param>
    /// <exception cref="OtlpConfigurationException">A value is malformed or names an unknown protocol.</exception>
    public static OtlpExportOptions Resolve(string? endpointFlag, string? protocolFlag, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Read(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;

        var protocol = ParseProtocol(protocolFlag, "--otlp-protocol")
            ?? ParseProtocol(Read("OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL"), "OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL")
            ?? ParseProtocol(Read("OTEL_EXPORTER_OTLP_PROTOCOL"), "OTEL_EXPORTER_OTLP_PROTOCOL")
            ?? OtlpProtocol.Grpc;

        // The flag and the signal-specific variable name the exact URL; the generic variable names a
        // base that OTLP/HTTP extends with the signal's path (OTLP exporter specification).
        Uri endpoint;
        if (endpointFlag is { Length: > 0 })
        {
            endpoint = ParseUri(endpointFlag, "--otlp-endpoint");
        }
        else if (Read("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT") is { } specific)
        {
            endpoint = ParseUri(specific, "OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT");
        }
        else if (Read("OTEL_EXPORTER_OTLP_ENDPOINT") is { } generic)
        {
            endpoint = ParseUri(protocol == OtlpProtocol.HttpProtobuf ? generic.TrimEnd('/') + HttpPath : generic, "OTEL_EXPORTER_OTLP_ENDPOINT");
        }
        else
        {
            endpoint = protocol == OtlpProtocol.Grpc ? new Uri("http://localhost:4317") : new Uri("http://localhost:4318" + HttpPath);
        }

        var headers = ParseHeaders(Read("OTEL_EXPORTER_OTLP_PROFILES_HEADERS") ?? Read("OTEL_EXPORTER_OTLP_HEADERS"));
        var compressionName = Read("OTEL_EXPORTER_OTLP_PROFILES_COMPRESSION") ?? Read("OTEL_EXPORTER_OTLP_COMPRESSION") ?? "gzip";
        var gzip = compressionName.ToUpperInvariant() switch
        {
            "GZIP" => true,
            "NONE" => false,
            _ => throw new OtlpConfigurationException($"unknown OTLP compression '{compressionName}'; use gzip or none"),
        };
        var timeoutText = Read("OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT") ?? Read("OTEL_EXPORTER_OTLP_TIMEOUT");
        var timeout = DefaultTimeout;
        if (timeoutText is not null)
        {
            if (!int.TryParse(timeoutText, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) || milliseconds <= 0)
            {
                throw new OtlpConfigurationException($"OTLP timeout '{timeoutText}' is not a positive number of milliseconds");
            }

            timeout = TimeSpan.FromMilliseconds(milliseconds);
        }

        return new OtlpExportOptions(endpoint, protocol, headers, gzip, timeout);
    }

    /// <summary>Parses <c>k=v,k2=v2</c> with URL-encoded values (W3C baggage style, as OTLP specifies).</summary>
    /// <exception cref="OtlpConfigurationException">A pair has no '=' or an invalid name; the message names its position, not its (possibly secret) text.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseHeaders(string? text)
    {
        try
        {
            return OtlpHeaders.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new OtlpConfigurationException("OTLP headers: " + ex.Message, ex);
        }
    }

    private static OtlpProtocol? ParseProtocol(string? text, string source) => text switch
    {
        null or "" => null,
        "grpc" => OtlpProtocol.Grpc,
        "http/protobuf" => OtlpProtocol.HttpProtobuf,
        _ => throw new OtlpConfigurationException($"unknown {source} '{text}'; use grpc or http/protobuf"),
    };

    private static Uri ParseUri(string text, string source) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new OtlpConfigurationException($"{source} '{text}' is not an http:// or https:// URL");
}
