using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// Measurements only a sink can take: profiles a server rejected inside an accepted request (OTLP
/// <c>partial_success</c>). The delivery loop counts whole batches; these profiles are gone for good
/// and are not retried. Meter <c>Ember.Bridge</c>, like the bridge's other metrics.
/// </summary>
public static class SinkMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Ember.Bridge";

    /// <summary>Counter of profiles rejected through partial_success, tagged <c>sink</c> and <c>reason</c>.</summary>
    public const string PartiallyRejectedProfiles = "ember.bridge.sink.profiles.partially_rejected";

    private static readonly Meter Meter = new(MeterName);

    // The name is repeated as a literal because the dashboards' test reads instrument names from the
    // source; the sink tests compare the created instrument with the constant, so they cannot drift.
    private static readonly Counter<long> Rejected = Meter.CreateCounter<long>(
        "ember.bridge.sink.profiles.partially_rejected", "{profile}", "Profiles a sink's server rejected inside an accepted request; not retried.");

    /// <summary>Logs and counts a partial rejection; does nothing for a full acceptance.</summary>
    public static void RecordPartialSuccess(ILogger logger, string sink, long rejectedProfiles, string serverMessage)
    {
        if (rejectedProfiles == 0 && serverMessage.Length == 0)
        {
            return;
        }

        SinkLog.PartiallyRejected(logger, sink, rejectedProfiles, serverMessage);
        if (rejectedProfiles > 0)
        {
            Rejected.Add(rejectedProfiles, new KeyValuePair<string, object?>("sink", sink), new KeyValuePair<string, object?>("reason", "partial_success"));
        }
    }
}
