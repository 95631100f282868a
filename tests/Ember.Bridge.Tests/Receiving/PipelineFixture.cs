using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ember.Bridge.Delivery;
using Ember.Bridge.Intake;
using Ember.Bridge.Receiving;
using Ember.Bridge.Spooling;
using Ember.Bridge.Telemetry;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Otlp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Bridge.Tests.Receiving;

/// <summary>
/// A <see cref="ReceivePipeline"/> without Kestrel: the real intake over one real spool in a temporary
/// directory, and the bridge's metrics observed on this fixture's own meter factory only (other tests'
/// bridges publish instruments of the same name in parallel).
/// </summary>
internal sealed class PipelineFixture : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _rejected = new();

    public PipelineFixture(ReceiveLimits limits, long spoolMaxBytes = 1024 * 1024, string? token = null)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == "ember.bridge.profiles.rejected")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var reason = string.Empty;
            foreach (var tag in tags)
            {
                reason = tag.Key == "reason" ? (string)tag.Value! : reason;
            }

            _rejected.AddOrUpdate(reason, value, (_, total) => total + value);
        });
        _listener.Start();
        var metrics = new BridgeMetrics(meterFactory, () => []);
        Spool = DurableSpool.Open(Directory.CreateTempSubdirectory("ember-pipeline-spool-").FullName, spoolMaxBytes, NullLogger.Instance);
        string? tokenFile = null;
        if (token is not null)
        {
            tokenFile = Path.GetTempFileName();
            File.WriteAllText(tokenFile, token);
        }

        Pipeline = new ReceivePipeline(
            new ProfileIntake([new SinkPipeline(new RecordingSink(), Spool)], metrics),
            BearerTokenAuthenticator.Load(tokenFile),
            metrics,
            limits,
            NullLogger<ReceivePipeline>.Instance);
    }

    public ReceivePipeline Pipeline { get; }

    public DurableSpool Spool { get; }

    /// <summary>Profiles refused so far, per <c>reason</c> attribute of <c>ember.bridge.profiles.rejected</c>.</summary>
    public IReadOnlyDictionary<string, long> Rejected => _rejected;

    /// <summary>The request stored in the spool, or null when nothing was.</summary>
    public ProfilesData? Spooled() => Spool.ReadNext() is { } record ? OtlpCodec.Decode(record.Payload) : null;

    public void Dispose()
    {
        _listener.Dispose();
        Spool.Dispose();
        Directory.Delete(Spool.Directory, recursive: true);
        _services.Dispose();
    }
}
