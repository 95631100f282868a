using System.Text.RegularExpressions;
using Ember.Bridge.Sinks.Parca;
using Ember.Bridge.Sinks.Pyroscope;
using Ember.Bridge.Sinks.Tests.Fakes;
using Ember.TestSupport;
using static Ember.Bridge.Sinks.Tests.TestProfiles;

namespace Ember.Bridge.Sinks.Tests;

/// <summary>The pprof bytes the pprof-based sinks put on the wire, read by the real <c>go tool pprof</c>.</summary>
public sealed partial class GoPprofPeerTests
{
    [Fact]
    public async Task Parca_raw_profile_is_read_by_go_tool_pprof_with_the_sample_counts()
    {
        await using var parca = await FakeParca.StartAsync();
        await using (var sink = ParcaSink.Create(Specs.Of("parca", parca.Target, ("insecure", "true")), new CapturingLoggerFactory()))
        {
            await sink.DeliverAsync(Cpu([Attr("service.name", "checkout")], hotCount: 30, coldCount: 10), CancellationToken.None);
        }

        var top = Top(Assert.Single(parca.Writes).Request.Series[0].Samples[0].RawProfile.ToByteArray());

        Assert.Matches(TopLine("30", "75.00%", "hot"), top);
        Assert.Matches(TopLine("10", "25.00%", "cold"), top);
    }

    [Fact]
    public async Task Pyroscope_ingest_body_is_read_by_go_tool_pprof_as_cpu_time()
    {
        await using var pyroscope = await FakePyroscope.StartAsync();
        await using (var sink = PyroscopeSink.Create(Specs.Of("pyroscope", pyroscope.BaseUrl.ToString(), ("protocol", "ingest")), new CapturingLoggerFactory()))
        {
            await sink.DeliverAsync(Cpu([Attr("service.name", "checkout")], hotCount: 30, coldCount: 10), CancellationToken.None);
        }

        var top = Top(Assert.Single(pyroscope.Ingested).Request.Body);

        // 30 samples every 10 ms = 300 ms of CPU.
        Assert.Matches(TopLine("300ms", "75.00%", "hot"), top);
        Assert.Matches(TopLine("100ms", "25.00%", "cold"), top);
    }

    private static string Top(byte[] body)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ember-sinks-pprof-").FullName, "profile.pb.gz");
        System.IO.File.WriteAllBytes(path, body);
        return GoPeer.Pprof("-top", path);
    }

    /// <summary>A <c>-top</c> row: flat, flat%, sum%, cum, cum%, name.</summary>
    private static Regex TopLine(string flat, string percent, string function) =>
        new($@"(?m)^\s*{Regex.Escape(flat)}\s+{Regex.Escape(percent)}\s+\S+\s+\S+\s+\S+\s+{Regex.Escape(function)}\s*$");
}
