using Ember.Bridge.Sinks.Shared;
using Ember.Otlp;

namespace Ember.Bridge.Sinks.Otlp;

/// <summary>
/// The OTLP sink's settings: the <see cref="SinkOptions"/> common to all sinks, plus <c>protocol</c>
/// (<c>grpc</c> | <c>http/protobuf</c>), <c>compression</c> (<c>gzip</c> | <c>none</c>) and
/// <c>headers</c> (<c>k=v,k2=v2</c>). For <c>http/protobuf</c>, a target without a path gets
/// <c>/v1development/profiles</c> appended; a target with a path is used as is.
/// </summary>
public sealed record OtlpSinkOptions : SinkOptions
{
    /// <summary>The OTLP/HTTP profiles path.</summary>
    public const string HttpProfilesPath = OtlpHttpExporter.ProfilesPath;

    private OtlpSinkOptions(SinkOptionReader reader, Uri endpoint, OtlpProtocol protocol, bool gzip, IReadOnlyList<KeyValuePair<string, string>> headers)
        : base(reader)
    {
        Endpoint = endpoint;
        Protocol = protocol;
        Gzip = gzip;
        Headers = headers;
    }

    /// <summary>gRPC base address, or the full OTLP/HTTP URL.</summary>
    public Uri Endpoint { get; }

    /// <summary>gRPC or OTLP/HTTP.</summary>
    public OtlpProtocol Protocol { get; }

    /// <summary>Whether requests are gzip-compressed (default true).</summary>
    public bool Gzip { get; }

    /// <summary>Extra headers or metadata; values may be secrets.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Reads and checks the specification.</summary>
    /// <exception cref="SinkConfigurationException">The target or an option is invalid.</exception>
    public static OtlpSinkOptions Parse(SinkSpecification specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var reader = Reader(specification, "protocol", "compression", "headers");
        var url = SinkTargets.HttpUrl(specification);
        var protocol = reader.Choice("protocol", "grpc", "grpc", "http/protobuf") == "grpc" ? OtlpProtocol.Grpc : OtlpProtocol.HttpProtobuf;
        if (protocol == OtlpProtocol.HttpProtobuf && url.AbsolutePath == "/")
        {
            url = new Uri(url, HttpProfilesPath);
        }

        var gzip = reader.Choice("compression", "gzip", "gzip", "none") == "gzip";
        List<KeyValuePair<string, string>> headers;
        try
        {
            headers = reader.String("headers") is { } text ? OtlpHeaders.Parse(text) : [];
        }
        catch (FormatException ex)
        {
            throw new SinkConfigurationException($"sink {specification.Name}: option headers: {ex.Message}", "headers", ex);
        }

        if (protocol == OtlpProtocol.Grpc && headers.FindIndex(h => !IsGrpcMetadataName(h.Key)) is var bad and >= 0)
        {
            throw reader.Invalid("headers", $"header {bad + 1}: gRPC metadata names are letters, digits, '-', '_' and '.', without a -bin suffix");
        }

        return new OtlpSinkOptions(reader, url, protocol, gzip, headers);
    }

    /// <summary>ASCII metadata keys gRPC accepts (binary <c>-bin</c> keys would need base64 values).</summary>
    private static bool IsGrpcMetadataName(string name) =>
        !name.EndsWith("-bin", StringComparison.OrdinalIgnoreCase) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>A summary for the startup log: no header values, no secrets.</summary>
    public override string ToString() =>
        $"protocol {(Protocol == OtlpProtocol.Grpc ? "grpc" : "http/protobuf")}, compression {(Gzip ? "gzip" : "none")}, "
        + $"{Headers.Count} extra header(s), auth {Authentication?.ToString() ?? "none"}";
}
