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
        _meter.CreateObservableGauge("ember.agent.cpus", () =>
        {
            var cpus = sampling.Counters.Cpus;
            return new[]
            {
                new Measurement<int>(cpus.Sampled, new KeyValuePair<string, object?>("state", "sampled")),
                new Measurement<int>(cpus.Unsampled, new KeyValuePair<string, object?>("state", "unsampled")),
            };
        }, "{cpu}", "Online CPUs with a sampling event, and those the agent could not attach to (their samples are lost).");
        _meter.CreateObservableCounter("ember.agent.cpu.late_attaches", () => sampling.Counters.Cpus.LateAttaches, "{cpu}", "Sampling events opened after start, for CPUs that came online (or back online) since.");
        _meter.CreateObservableCounter("ember.agent.unwind.frames", () =>
        {
            var unwind = sampling.Counters.Unwind;
            return new[]
            {
                new Measurement<long>(unwind.FramesByTable, new KeyValuePair<string, object?>("method", "table")),
                new Measurement<long>(unwind.FramesByFramePointer, new KeyValuePair<string, object?>("method", "frame_pointer")),
            };
        }, "{frame}", "User frames the kernel walked, by how.");
        _meter.CreateObservableCounter("ember.agent.unwind.failures", () =>
        {
            var unwind = sampling.Counters.Unwind;
            return new[]
            {
                Reason("no_process", unwind.NoProcess),
                Reason("no_table", unwind.NoTable),
                Reason("table_evicted", unwind.TableEvicted),
                Reason("no_row", unwind.NoRow),
                Reason("unsupported_rule", unwind.Unsupported),
                Reason("read_fault", unwind.ReadFault),
                Reason("depth", unwind.Depth),
                Reason("tail_call_failed", unwind.TailCallFailed),
                Reason("stack_lost", unwind.StacksLost),
            };
        }, "{event}", "Where the kernel's user-stack walk fell back to frame pointers or ended early, by reason.");
        _meter.CreateObservableCounter("ember.agent.unwind.tables.built", () => sampling.UnwindTables.Counters.TablesBuilt, "{table}", "Unwind tables built from .eh_frame and loaded into the kernel.");
        _meter.CreateObservableCounter("ember.agent.unwind.tables.evicted", () => sampling.UnwindTables.Counters.TablesEvicted, "{table}", "Unwind tables evicted under the row budget.");
        _meter.CreateObservableCounter("ember.agent.unwind.tables.failed", () =>
        {
            var counters = sampling.UnwindTables.Counters;
            return new[]
            {
                Reason("malformed", counters.BuildFailures),
                Reason("no_cfi", counters.FilesWithoutTables),
                Reason("over_budget", counters.OverBudget),
                Reason("process_map_full", counters.ProcessesNotLoaded),
            };
        }, "{file}", "Files or processes left to frame pointers, by reason.");
        _meter.CreateObservableGauge("ember.agent.unwind.table.memory", () => sampling.UnwindTables.TableBytes, "By", "Bytes of unwind table rows in use in the kernel.");
        _meter.CreateObservableGauge("ember.agent.unwind.kernel.memory", () => sampling.UnwindTables.KernelBytes, "By", "Bytes the unwind row array and mapping map reserve in the kernel (preallocated).");
        _meter.CreateObservableGauge("ember.agent.bpf.memory", () => sampling.KernelMemoryBytes, "By", "Bytes of kernel memory all the profiler's BPF maps are charged for (the kernel's memlock figure), the unwind maps included; not part of process.memory.usage.");
        _meter.CreateObservableUpDownCounter("process.memory.usage", () => Environment.WorkingSet, "By", "The agent's resident memory (RSS).");
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

    private static Measurement<long> Reason(string reason, long value) =>
        new(value, new KeyValuePair<string, object?>("reason", reason));

    private static Measurement<long> StackError(string stack, string reason, long value) =>
        new(value, new KeyValuePair<string, object?>("stack", stack), new KeyValuePair<string, object?>("reason", reason));
}
