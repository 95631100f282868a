using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ember.Agent.Cli;
using Ember.Agent.Configuration;
using Ember.Agent.Telemetry;
using Ember.Agent.Tests.Workloads;
using Ember.TestSupport;
using Ember.TestSupport.Otlp;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Tests.Telemetry;

/// <summary>
/// The agent's own metrics while <c>run</c> samples a real workload on the real kernel and exports
/// to the fake collector, read the way any OpenTelemetry SDK reads them: through a MeterListener.
/// </summary>
public sealed class AgentMetricsTests : IAsyncLifetime
{
    private FakeOtlpReceiver _collector = null!;
    private Process _workload = null!;

    public async Task InitializeAsync()
    {
        _collector = await FakeOtlpReceiver.StartAsync();
        var start = new ProcessStartInfo(GoPeer.FixtureBinary) { RedirectStandardOutput = true, ArgumentList = { "-duration", "120s", "-hot", "0.7" } };
        _workload = Process.Start(start) ?? throw new InvalidOperationException("could not start the workload");
    }

    public async Task DisposeAsync()
    {
        _workload.Kill();
        await _workload.WaitForExitAsync();
        _workload.Dispose();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task Run_publishes_samples_symbolization_and_export_metrics()
    {
        var measurements = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AgentMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.AddOrUpdate(instrument.Name, value, (_, old) => old + value));
        listener.Start();
        using var stop = new CancellationTokenSource();
        var request = new RunOptions { OtlpEndpoint = _collector.GrpcEndpoint.ToString(), OtlpProtocol = "grpc", Frequency = 99, CollectInterval = "2s", Node = "node-1", Pids = [_workload.Id] };
        var running = Task.Run(() => RunCommand.Execute(request, _ => null, TextWriter.Null, TextWriter.Null, NullLoggerFactory.Instance, stop.Token), CancellationToken.None);

        Assert.True(await _collector.WaitForExportsAsync(1, TimeSpan.FromSeconds(60)), "no window arrived");
        listener.RecordObservableInstruments();
        await stop.CancelAsync();
        Assert.Equal(0, await running.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.True(measurements.GetValueOrDefault("ember.agent.samples") > 0, "no samples counted");
        Assert.True(measurements.GetValueOrDefault("ember.agent.export.requests") >= 1, "no export request counted");
        foreach (var name in new[] { "ember.agent.samples.dropped", "ember.agent.stack.errors", "ember.agent.symbolization.misses", "ember.agent.export.retries", "ember.agent.export.queue.dropped", "ember.agent.stacks.distinct" })
        {
            Assert.True(measurements.ContainsKey(name), $"{name} was not published");
        }
    }

    [Theory]
    [InlineData("OTEL_METRICS_EXPORTER", "otlp", true)]
    [InlineData("OTEL_METRICS_EXPORTER", "console,otlp", true)]
    [InlineData("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://127.0.0.1:4318/v1/metrics", true)]
    [InlineData("OTEL_METRICS_EXPORTER", "none", false)]
    public void Metrics_export_starts_only_when_the_standard_variables_ask_for_it(string variable, string value, bool expected)
    {
        using var provider = MetricsExport.StartIfConfigured(name => name == variable ? value : null);

        Assert.Equal(expected, provider is not null);
    }

    [Fact]
    public async Task Run_on_code_without_frame_pointers_reports_table_frames_and_memory_within_the_budget()
    {
        using var workload = FixtureWorkloads.StartNoFramePointers(TimeSpan.FromSeconds(120));
        try
        {
            var measurements = new ConcurrentDictionary<string, long>();
            using var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == AgentMetrics.MeterName)
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                // Keyed by name and by name{attributes}, so one attribute's series can be read apart.
                var attributes = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
                measurements[instrument.Name + "{" + attributes + "}"] = value;
                measurements.AddOrUpdate(instrument.Name, value, (_, old) => old + value);
            });
            listener.Start();
            using var stop = new CancellationTokenSource();
            var budget = 4L << 20;
            var request = new RunOptions
            {
                OtlpEndpoint = _collector.GrpcEndpoint.ToString(), OtlpProtocol = "grpc", Frequency = 99, CollectInterval = "2s", Pids = [workload.Id], UnwindMemory = "4MiB",
            };
            var running = Task.Run(() => RunCommand.Execute(request, _ => null, TextWriter.Null, TextWriter.Null, NullLoggerFactory.Instance, stop.Token), CancellationToken.None);

            Assert.True(await _collector.WaitForExportsAsync(2, TimeSpan.FromSeconds(60)), "no second window arrived");
            listener.RecordObservableInstruments();
            await stop.CancelAsync();
            Assert.Equal(0, await running.WaitAsync(TimeSpan.FromSeconds(60)));

            Assert.True(measurements.GetValueOrDefault("ember.agent.unwind.frames{method=table}") > 0, "no frame walked by a table");
            Assert.True(measurements.GetValueOrDefault("ember.agent.unwind.tables.built") >= 1, "no table built");
            var tableBytes = measurements.GetValueOrDefault("ember.agent.unwind.table.memory");
            var unwindKernelBytes = measurements.GetValueOrDefault("ember.agent.unwind.kernel.memory");
            var allMapsBytes = measurements.GetValueOrDefault("ember.agent.bpf.memory");
            Assert.True(tableBytes > 0, "no table memory reported");

            // The kernel's own figure for the two unwind maps: within the budget, and most of it (the budget is what they take).
            Assert.InRange(unwindKernelBytes, budget * 9 / 10, budget);
            Assert.True(allMapsBytes > unwindKernelBytes, $"all maps {allMapsBytes} B, unwind maps alone {unwindKernelBytes} B");
            Assert.True(measurements.GetValueOrDefault("process.memory.usage") > 0, "no resident memory reported");
        }
        finally
        {
            workload.Kill();
            await workload.WaitForExitAsync();
        }
    }
}
