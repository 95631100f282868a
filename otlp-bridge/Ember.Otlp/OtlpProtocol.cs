namespace Ember.Otlp;

/// <summary>The OTLP transports (OTEL_EXPORTER_OTLP_PROTOCOL values).</summary>
public enum OtlpProtocol
{
    /// <summary><c>grpc</c>: ProfilesService/Export over HTTP/2.</summary>
    Grpc,

    /// <summary><c>http/protobuf</c>: <c>POST /v1development/profiles</c> with a protobuf body.</summary>
    HttpProtobuf,
}
