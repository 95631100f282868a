namespace Ember.TestSupport.Otlp;

/// <summary>The body <see cref="FakeOtlpReceiver"/> answers accepted requests with.</summary>
public enum FakeOtlpAnswer
{
    /// <summary>ExportProfilesServiceResponse in protobuf (empty when nothing was rejected).</summary>
    Protobuf,

    /// <summary>ExportProfilesServiceResponse in OTLP/JSON (<c>application/json</c>; OTLP/HTTP only).</summary>
    Json,

    /// <summary>Bytes that are no protobuf message, with a success status.</summary>
    Unreadable,
}
