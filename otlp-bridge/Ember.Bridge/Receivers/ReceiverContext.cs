using Ember.Bridge.Intake;
using Ember.Bridge.Telemetry;
using Ember.Profiles;

namespace Ember.Bridge.Receivers;

/// <summary>What every receiver shares: the intake, auth, metrics and the request limits.</summary>
/// <param name="Intake">Validation and spooling.</param>
/// <param name="Authenticator">Bearer-token check.</param>
/// <param name="Metrics">The bridge's counters.</param>
/// <param name="MaxRequestBytes">Largest body as it arrives.</param>
/// <param name="MaxDecompressedBytes">Largest body after decompression.</param>
internal sealed record ReceiverContext(ProfileIntake Intake, BearerTokenAuthenticator Authenticator, BridgeMetrics Metrics, long MaxRequestBytes, long MaxDecompressedBytes)
{
    /// <summary>Decoder limits matching the decompressed-size limit.</summary>
    public ProfileReadLimits ReadLimits { get; } = new() { MaxCompressedBytes = MaxDecompressedBytes, MaxDecompressedBytes = MaxDecompressedBytes };
}
