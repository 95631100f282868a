using Ember.Profiles;
using Ember.Profiles.Otlp;

namespace Ember.Bridge.Receiving;

/// <summary>An ExportProfilesServiceRequest in protobuf or OTLP/JSON.</summary>
internal sealed class OtlpPayloadDecoder : IPayloadDecoder
{
    private readonly Func<ReadOnlyMemory<byte>, ProfileReadLimits, ProfilesData> _decode;

    private OtlpPayloadDecoder(Func<ReadOnlyMemory<byte>, ProfileReadLimits, ProfilesData> decode) => _decode = decode;

    /// <summary>Protobuf (gRPC, <c>application/x-protobuf</c>).</summary>
    public static OtlpPayloadDecoder Protobuf { get; } = new((payload, limits) => OtlpCodec.Decode(payload, limits));

    /// <summary>OTLP/JSON (<c>application/json</c>).</summary>
    public static OtlpPayloadDecoder Json { get; } = new((payload, limits) => OtlpJsonCodec.Decode(payload, limits));

    /// <inheritdoc/>
    public ValueTask<ProfilesData> DecodeAsync(byte[] payload, ReceiveLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return ValueTask.FromResult(_decode(payload, limits.ReadLimits));
    }
}
