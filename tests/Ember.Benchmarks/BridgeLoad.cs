using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Ember.Bridge.Configuration;
using Ember.Bridge.Hosting;
using Ember.Bridge.Sinks.File;
using Ember.Profiles.Compression;
using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;

namespace Ember.Benchmarks;

/// <summary>
/// <c>--bridge-load [--requests N] [--concurrency C] [--seconds S]</c>: a load generator against the
/// real bridge started in this process on loopback (file sink and spool in a temporary directory).
/// It sends gzip OTLP/HTTP exports of a realistic agent window (one CPU profile, 2,000 samples over
/// 500 functions, built by <see cref="SyntheticProfile"/>), bounded by count and time, and prints
/// sustained profiles/s, MB/s on the wire, p50/p99 export latency and the process's peak RSS
/// (generator and bridge together).
/// </summary>
internal static class BridgeLoad
{
    public static async Task RunAsync(int requests, int concurrency, TimeSpan limit)
    {
        var root = Directory.CreateTempSubdirectory("ember-bridge-load-").FullName;
        var options = new PprofToOtlpOptions();
        options.ResourceAttributes.Add(new KeyValue("service.name", AnyValue.String("load")));
        var body = PayloadEncoder.Gzip(OtlpCodec.Encode(PprofToOtlp.Convert(SyntheticProfile.Create(samples: 2_000, functions: 500), options)));
        var settings = new BridgeSettings
        {
            GrpcListen = new ListenAddress("127.0.0.1", 0),
            HttpListen = new ListenAddress("127.0.0.1", 0),
            SpoolDirectory = Path.Combine(root, "spool"),
        };
        await using var sink = new FileSink("file-0", Path.Combine(root, "profiles"), 1024L * 1024 * 1024);
        var host = await BridgeHost.StartAsync(settings, [sink], _ => { });
        using var http = new HttpClient { BaseAddress = host.HttpEndpoint };
        var latencies = new List<double>();
        var sent = 0;
        var clock = Stopwatch.StartNew();
        var peakRss = 0L;
        async Task WorkerAsync()
        {
            while (clock.Elapsed < limit && Interlocked.Increment(ref sent) <= requests)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                content.Headers.ContentEncoding.Add("gzip");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/v1development/profiles", content);
                response.EnsureSuccessStatusCode();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(elapsed);
                    peakRss = Math.Max(peakRss, Environment.WorkingSet);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync)));
        var seconds = clock.Elapsed.TotalSeconds;
        var backlog = (await http.GetStringAsync("/metrics")).Split('\n').FirstOrDefault(l => l.StartsWith("ember_bridge_spool_size_bytes", StringComparison.Ordinal)) ?? "";
        await host.DisposeAsync();
        latencies.Sort();
        var done = latencies.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bridge load: {done} exports ({body.Length} bytes gzip each), concurrency {concurrency}, {seconds:F1} s: " +
            $"{done / seconds:F0} profiles/s, {done * (double)body.Length / seconds / 1e6:F1} MB/s, " +
            $"p50 {latencies[done / 2]:F2} ms, p99 {latencies[Math.Min(done - 1, done * 99 / 100)]:F2} ms, peak RSS {peakRss / 1e6:F0} MB; spool backlog at the end: {backlog.Split(' ').LastOrDefault()} bytes"));
        Directory.Delete(root, recursive: true);
    }
}
