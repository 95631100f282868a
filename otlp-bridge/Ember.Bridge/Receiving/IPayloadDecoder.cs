using Ember.Profiles;
using Ember.Profiles.Otlp;

namespace Ember.Bridge.Receiving;

/// <summary>Turns a request's payload (after any Content-Encoding) into OTLP profiles.</summary>
internal interface IPayloadDecoder
{
    /// <summary>Decodes the payload.</summary>
    /// <exception cref="ProfileFormatException">The payload is malformed; the message says where.</exception>
    /// <exception cref="PayloadTooLargeException">The payload expands beyond <see cref="ReceiveLimits.MaxDecompressedBytes"/>.</exception>
    ValueTask<ProfilesData> DecodeAsync(byte[] payload, ReceiveLimits limits, CancellationToken cancellationToken);
}
