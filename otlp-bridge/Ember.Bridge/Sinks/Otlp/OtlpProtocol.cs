namespace Ember.Bridge.Sinks.Otlp;

/// <summary>How the OTLP sink talks to its collector.</summary>
public enum OtlpProtocol
{
    /// <summary>OTLP/gRPC <c>ProfilesService/Export</c> (option <c>protocol=grpc</c>, the default).</summary>
    Grpc,

    /// <summary>OTLP/HTTP <c>POST /v1development/profiles</c> (option <c>protocol=http/protobuf</c>).</summary>
    HttpProtobuf,
}
