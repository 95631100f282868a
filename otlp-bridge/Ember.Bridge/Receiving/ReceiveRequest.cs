namespace Ember.Bridge.Receiving;

/// <summary>One request as its transport describes it to <see cref="ReceivePipeline"/>.</summary>
/// <param name="Receiver">Metric label: otlp_grpc, otlp_http or ingest.</param>
/// <param name="Authorization">The Authorization header (gRPC: metadata), null when absent.</param>
/// <param name="Body">The body, read or still to read.</param>
/// <param name="ContentEncoding">
/// The Content-Encoding to undo (identity or gzip), or null when there is none to undo: the transport
/// decompressed already (gRPC) or the decoder recognises compression itself (/ingest).
/// </param>
/// <param name="ChooseDecoder">
/// Picks the decoder from what the request declares (content type, query), called once the request
/// is authenticated and before its body is read. Throws <see cref="UnsupportedMediaTypeException"/> or
/// <see cref="Ember.Profiles.ProfileFormatException"/> to refuse the request.
/// </param>
internal sealed record ReceiveRequest(string Receiver, string? Authorization, RequestBody Body, string? ContentEncoding, Func<IPayloadDecoder> ChooseDecoder);
