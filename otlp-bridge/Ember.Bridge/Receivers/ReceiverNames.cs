namespace Ember.Bridge.Receivers;

/// <summary>The <c>receiver</c> metric attribute values.</summary>
internal static class ReceiverNames
{
    public const string OtlpGrpc = "otlp_grpc";
    public const string OtlpHttp = "otlp_http";
    public const string Ingest = "ingest";
}
