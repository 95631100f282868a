using System.CommandLine;
using System.Runtime.InteropServices;
using Ember.Agent.Hosting;
using Ember.Agent.Output;
using Ember.Agent.Sampling;
using Ember.Agent.Session;
using Ember.Agent.Telemetry;
using Ember.Profiles.IO;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Cli;

/// <summary>
/// <c>ember-agent record</c>: samples on-CPU stacks for a while and writes one local file — pprof
/// (default), OTLP, OTLP/JSON, folded stacks or an HTML flame graph. No server needed. Ctrl+C or
/// SIGTERM ends the recording early and still writes what was sampled.
/// </summary>
internal static class RecordCommand
{
    public static Command Create(TextWriter output, TextWriter error, ILoggerFactory logging)
    {
        var duration = new Option<string>("--duration") { Description = "How long to sample: 500ms, 30s, 2m, 1h.", DefaultValueFactory = _ => "30s" };
        var frequency = new Option<int>("--frequency") { Description = "Samples per second per CPU.", DefaultValueFactory = _ => 99 };
        var pids = new Option<int[]>("--pid") { Description = "Only these processes (repeatable); default: every process.", AllowMultipleArgumentsPerToken = true };
        var outputPath = new Option<string>("--output", "-o") { Description = "File to write.", DefaultValueFactory = _ => "cpu.pb.gz" };
        var format = new Option<string?>("--format") { Description = "pprof|otlp|otlp-json|folded|html (default: from --output's extension, else pprof)." };
        var idle = new Option<bool>("--sample-idle") { Description = "Also count the idle task (pid 0)." };
        var unwindMemory = UnwindMemoryOption.Create();
        var perfMaps = PerfMapsOption.Create();
        var symbolize = SymbolizeOption.Create();
        var command = new Command("record", "Sample every process's on-CPU stacks for a while and write one local profile file.")
        {
            duration, frequency, pids, outputPath, format, idle, unwindMemory, perfMaps, symbolize,
        };
        command.SetAction((result, cancellation) => Task.FromResult(Execute(
            new RecordRequest(result.GetValue(duration)!, result.GetValue(frequency), result.GetValue(pids) ?? [], result.GetValue(outputPath)!, result.GetValue(format), result.GetValue(idle))
            {
                UnwindMemory = result.GetValue(unwindMemory)!,
                EnablePerfMaps = result.GetValue(perfMaps),
                NameOnNode = result.GetValue(symbolize) != SymbolizeOption.None,
            },
            output,
            error,
            logging.CreateLogger("record"),
            cancellation)));
        return command;
    }

    internal sealed record RecordRequest(string Duration, int FrequencyHz, IReadOnlyList<int> Pids, string Output, string? Format, bool SampleIdle)
    {
        /// <summary>The --unwind-memory size.</summary>
        public string UnwindMemory { get; init; } = UnwindMemoryOption.Default;

        /// <summary>The --enable-perf-maps switch.</summary>
        public bool EnablePerfMaps { get; init; }

        /// <summary>--symbolize local (true) or none.</summary>
        public bool NameOnNode { get; init; } = true;
    }

    internal static int Execute(RecordRequest request, TextWriter output, TextWriter error, ILogger logger, CancellationToken cancellation)
    {
        if (!DurationParser.TryParse(request.Duration, out var duration))
        {
            error.WriteLine($"ember-agent record: invalid --duration '{request.Duration}'; use e.g. 500ms, 30s, 2m");
            return ExitCodes.Usage;
        }

        if (request.FrequencyHz is < 1 or > 10_000)
        {
            error.WriteLine($"ember-agent record: --frequency {request.FrequencyHz} is outside 1..10000 Hz");
            return ExitCodes.Usage;
        }

        if (!UnwindMemoryOption.TryParse(request.UnwindMemory, out var unwindMemory, out var unwindError))
        {
            error.WriteLine($"ember-agent record: {unwindError}");
            return ExitCodes.Usage;
        }

        ProfileFormat format;
        if (request.Format is { } name)
        {
            if (!ProfileFormats.TryParse(name, out format))
            {
                error.WriteLine($"ember-agent record: unknown --format '{name}'; use pprof|otlp|otlp-json|folded|html");
                return ExitCodes.Usage;
            }
        }
        else
        {
            format = ProfileFormats.FromPath(request.Output) ?? ProfileFormat.Pprof;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        var settings = new SessionSettings(
            new CpuSamplerOptions { FrequencyHz = request.FrequencyHz, Pids = request.Pids.ToArray(), SampleIdle = request.SampleIdle, UnwindMemory = unwindMemory },
            new ProfilingSessionOptions { Duration = duration },
            Environment.MachineName,
            request.EnablePerfMaps,
            request.NameOnNode);
        var file = new ProfileFileOutput(request.Output, format, output, logger);
        return AgentHost.Profile("record", settings, labels: null, file, new SamplingStatistics(), logger, error, stop.Token);
    }
}
