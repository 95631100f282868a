using System.Diagnostics;
using Ember.Bridge.Sinks;
using Ember.Bridge.Spooling;
using Ember.Bridge.Symbolization;
using Ember.Bridge.Telemetry;
using Ember.Otlp;
using Ember.Profiles;
using Ember.Profiles.Otlp;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Delivery;

/// <summary>
/// One delivery loop per sink: takes the oldest spooled record, hands it to the sink, and moves the
/// spool's cursor only once the sink took it. Retryable failures wait (<see cref="ExportBackoff"/>, on its clock,
/// honouring <see cref="SinkDeliveryException.RetryAfter"/>) and try the same record again, so order
/// is kept and nothing is skipped; permanent failures are counted, logged and set aside in the
/// spool's <c>rejected.log</c>. Stopping cancels the attempt in flight; its record stays spooled.
/// Before a record goes to its sink, <see cref="ProfileSymbolizer"/> names the frames it can: at
/// delivery, not at intake, so waiting for debug files never delays an acknowledgement, and a record
/// spooled while its debug file was missing is named if the file arrives before it is delivered.
/// </summary>
internal sealed partial class DeliveryService : BackgroundService
{
    private readonly IReadOnlyList<SinkPipeline> _pipelines;
    private readonly BridgeMetrics _metrics;
    private readonly ExportBackoff _backoff;
    private readonly ProfileSymbolizer _symbolizer;
    private readonly ILogger _logger;

    public DeliveryService(IReadOnlyList<SinkPipeline> pipelines, BridgeMetrics metrics, ExportBackoff backoff, ProfileSymbolizer symbolizer, ILogger<DeliveryService> logger)
    {
        _pipelines = pipelines;
        _symbolizer = symbolizer;
        _metrics = metrics;
        _backoff = backoff;
        _logger = logger;
    }

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_pipelines.Select(p => Task.Run(() => RunAsync(p, stoppingToken), CancellationToken.None)));

    private async Task RunAsync(SinkPipeline pipeline, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (pipeline.Spool.ReadNext() is { } record)
                {
                    await DeliverAsync(pipeline, record, stopping).ConfigureAwait(false);
                }
                else
                {
                    await pipeline.Spool.WaitForAppendAsync(stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: the record in flight stays spooled for the next start.
        }
        catch (IOException ex)
        {
            LogSpoolFailed(_logger, pipeline.Sink.Name, ex);
        }
    }

    private async Task DeliverAsync(SinkPipeline pipeline, SpoolRecord record, CancellationToken stopping)
    {
        var sink = pipeline.Sink;
        ProfilesData data;
        try
        {
            data = OtlpCodec.Decode(record.Payload);
        }
        catch (ProfileFormatException ex)
        {
            // The CRC matched, so this is a bug rather than disk damage; keep the bytes for diagnosis.
            _metrics.SinkFailure(sink.Name, "undecodable");
            LogSetAside(_logger, sink.Name, "undecodable", ex.Message, pipeline.Spool.RejectedPath);
            pipeline.Spool.SetAside(record);
            return;
        }

        await _symbolizer.SymbolizeAsync(data, stopping).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                await sink.DeliverAsync(data, stopping).ConfigureAwait(false);
                _metrics.SinkDuration(sink.Name, clock.Elapsed);
                _metrics.Forwarded(sink.Name, data.ProfileCount);
                pipeline.Spool.Acknowledge(record);
                if (attempt > 0)
                {
                    LogRecovered(_logger, sink.Name, attempt);
                }

                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw;
            }
            catch (SinkDeliveryException ex) when (!ex.IsRetryable)
            {
                _metrics.SinkDuration(sink.Name, clock.Elapsed);
                _metrics.SinkFailure(sink.Name, ex.Reason);
                LogSetAside(_logger, sink.Name, ex.Reason, ex.Message, pipeline.Spool.RejectedPath);
                pipeline.Spool.SetAside(record);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // Retryable failures, and anything unexpected: the record stays first in line.
                _metrics.SinkDuration(sink.Name, clock.Elapsed);
                var (reason, retryAfter) = ex is SinkDeliveryException delivery ? (delivery.Reason, delivery.RetryAfter) : ("error", null);
                _metrics.SinkFailure(sink.Name, reason);
                _metrics.SinkRetry(sink.Name, reason);
                var delay = _backoff.Delay(attempt + 1, retryAfter);
                LogRetrying(_logger, sink.Name, reason, ex.Message, delay.TotalSeconds, attempt + 1);
                await _backoff.WaitAsync(delay, stopping).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "sink {Sink}: delivery failed ({Reason}: {Detail}); retrying in {DelaySeconds:F1} s (attempt {Attempt})")]
    private static partial void LogRetrying(ILogger logger, string sink, string reason, string detail, double delaySeconds, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "sink {Sink}: delivered after {Retries} retries")]
    private static partial void LogRecovered(ILogger logger, string sink, int retries);

    [LoggerMessage(Level = LogLevel.Error, Message = "sink {Sink}: batch refused for good ({Reason}: {Detail}); kept in {RejectedPath}")]
    private static partial void LogSetAside(ILogger logger, string sink, string reason, string detail, string rejectedPath);

    [LoggerMessage(Level = LogLevel.Critical, Message = "sink {Sink}: spool failed; delivery to this sink stopped")]
    private static partial void LogSpoolFailed(ILogger logger, string sink, Exception exception);
}
