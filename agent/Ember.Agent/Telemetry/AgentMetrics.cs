using System.Diagnostics.Metrics;
using Ember.Agent.Export;

namespace Ember.Agent.Telemetry;

/// <summary>
/// The agent's own health as OpenTelemetry metrics (meter <c>Ember.Agent</c>): samples, distinct
/// stacks, drops and stack errors by reason, symbolization misses, export requests, retries,
/// failures by reason, queue drops and latency. Observable instruments read the statistics the
/// loops keep anyway, so recording costs nothing on the sampling path.
/// </summary>
public sealed class AgentMetrics : IDisposable
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "Ember.Agent";

    private readonly Meter _meter = new(MeterName);

    /// <summary>Creates the instruments over the two statistics objects.</summary>
    public AgentMetrics(SamplingStatistics sampling, ExportStatistics export)
    {
        ArgumentNullException.ThrowIfNull(sampling);
        ArgumentNullException.ThrowIfNull(export);
        _meter.CreateObservableCounter("ember.agent.samples", () => sampling.Samples, "{sample}", "Samples drained from the kernel into profiles.");
        _meter.CreateObservableGauge("ember.agent.stacks.distinct", () => sampling.DistinctStacks, "{stack}", "Distinct process/thread/stack entries in the last drain.");
        _meter.CreateObservableCounter("ember.agent.samples.dropped", () => new[]
        {
            new Measurement<long>(sampling.Counters.CountMapFull, new KeyValuePair<string, object?>("reason", "count_map_full")),
            new Measurement<long>(sampling.Filtered, new KeyValuePair<string, object?>("reason", "namespace_filter")),
        }, "{sample}", "Samples not profiled, by reason.");
        _meter.CreateObservableCounter("ember.agent.stack.errors", () =>
        {
            var counters = sampling.Counters;
            return new[]
            {
                StackError("user", "collision", counters.UserStack.Collisions),
                StackError("user", "no_memory", counters.UserStack.NoMemory),
                StackError("user", "other", counters.UserStack.Other),
                StackError("kernel", "collision", counters.KernelStack.Collisions),
                StackError("kernel", "no_memory", counters.KernelStack.NoMemory),
                StackError("kernel", "other", counters.KernelStack.Other),
            };
        }, "{sample}", "Samples kept without a stack, by stack and reason.");
        _meter.CreateObservableCounter("ember.agent.processes.captured", () => sampling.ProcessesCaptured, "{process}", "Processes captured (name, mappings, binaries) on their first sample, while they lived.");
        _meter.CreateObservableCounter("ember.agent.processes.exited", () => sampling.ProcessesExited, "{process}", "Captured processes the kernel saw exit.");
        _meter.CreateObservableCounter("ember.agent.process.events.lost", () => sampling.Counters.ProcessEventsLost, "{event}", "Process events the kernel's ring buffer had no room for (those processes are read at drain time instead).");
        _meter.CreateObservableCounter("ember.agent.symbolization.misses", () => sampling.UnknownFrames, "{frame}", "Frames no symbol source could name.");
        _meter.CreateObservableCounter("ember.agent.export.requests", () => export.Requests, "{request}", "Export attempts.");
        _meter.CreateObservableCounter("ember.agent.export.retries", () => export.Retries, "{request}", "Export attempts that were retries.");
        _meter.CreateObservableCounter("ember.agent.export.failures", () => export.FailuresByReason
            .Select(f => new Measurement<long>(f.Value, new KeyValuePair<string, object?>("reason", f.Key))), "{window}", "Windows that could not be exported, by reason.");
        _meter.CreateObservableCounter("ember.agent.export.queue.dropped", () => export.QueueDrops, "{window}", "Windows dropped because the export queue was full.");
        _meter.CreateObservableGauge("ember.agent.export.latency", () => export.LastExportLatency.TotalSeconds, "s", "Duration of the last export.");
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static Measurement<long> StackError(string stack, string reason, long value) =>
        new(value, new KeyValuePair<string, object?>("stack", stack), new KeyValuePair<string, object?>("reason", reason));
}
