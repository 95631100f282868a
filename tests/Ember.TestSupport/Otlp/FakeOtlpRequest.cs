using Ember.Profiles.Otlp;

namespace Ember.TestSupport.Otlp;

/// <summary>One request that reached <see cref="FakeOtlpReceiver"/>, failed or not.</summary>
/// <param name="Protocol">"grpc" or "http".</param>
/// <param name="Path">The request path.</param>
/// <param name="Compressed">Whether the body came gzip-compressed.</param>
/// <param name="Headers">The request headers (HTTP/2 headers for gRPC), names lower-cased.</param>
/// <param name="Data">The request decoded with Ember's codec, or null when the fake failed it.</param>
/// <param name="Message">The uncompressed protobuf message, empty when the fake failed it; tests decode it with their oracle types.</param>
public sealed record FakeOtlpRequest(string Protocol, string Path, bool Compressed, IReadOnlyDictionary<string, string> Headers, ProfilesData? Data, byte[] Message);
