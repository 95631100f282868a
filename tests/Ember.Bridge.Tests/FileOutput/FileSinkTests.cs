using System.Net;
using Ember.Bridge.Sinks;
using Ember.Bridge.Sinks.File;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Ember.TestSupport;

namespace Ember.Bridge.Tests.FileOutput;

/// <summary>The file sink, judged by go tool pprof: a real Go CPU profile sent over OTLP comes out as a pprof file pprof reads.</summary>
public sealed class FileSinkTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-file-sink-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_Go_cpu_profile_sent_over_OTLP_is_written_as_pprof_that_go_tool_pprof_reads()
    {
        var options = new PprofToOtlpOptions();
        options.ResourceAttributes.Add(new KeyValue("service.name", AnyValue.String("goprof")));
        var otlp = PprofToOtlp.Convert(PprofCodec.ReadFile(GoPeer.RuntimeProfiles.CpuProfile), options);
        await using var sink = new FileSink("file-0", _directory, 1024L * 1024 * 1024);
        await using (var bridge = await TestBridge.StartAsync(sink))
        {
            using var response = await bridge.PostOtlpAsync(OtlpCodec.Encode(otlp));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await WaitForFilesAsync(1);
        }

        var file = Assert.Single(Directory.GetFiles(_directory, "*.pb.gz"));
        Assert.StartsWith("goprof-", Path.GetFileName(file), StringComparison.Ordinal);
        var top = GoPeer.Pprof("-top", file);
        Assert.Contains("main.hotLoop", top, StringComparison.Ordinal);
        Assert.Equal(
            GoPeer.Pprof("-top", "-nodecount=5", "-sample_index=cpu", GoPeer.RuntimeProfiles.CpuProfile).Split('\n').Where(l => l.Contains("main.", StringComparison.Ordinal)).Take(2),
            GoPeer.Pprof("-top", "-nodecount=5", "-sample_index=cpu", file).Split('\n').Where(l => l.Contains("main.", StringComparison.Ordinal)).Take(2));
    }

    [Fact]
    public async Task Each_resource_gets_its_own_file_named_after_its_service()
    {
        var data = TestProfiles.Cpu("alpha");
        data.ResourceProfiles.AddRange(TestProfiles.Cpu("beta/../x").ResourceProfiles);
        await using var sink = new FileSink("file-0", _directory, 1024 * 1024);

        await sink.DeliverAsync(data, CancellationToken.None);

        var names = Directory.GetFiles(_directory).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(2, names.Count);
        Assert.StartsWith("alpha-20231114T221320.000Z-", names[0], StringComparison.Ordinal);
        Assert.StartsWith("beta_.._x-", names[1], StringComparison.Ordinal);
        Assert.Equal(8, PprofCodec.ReadFile(Path.Combine(_directory, names[0]!)).Samples.Sum(s => s.Values[0]));
    }

    [Fact]
    public async Task The_oldest_files_are_removed_when_the_directory_exceeds_max_bytes()
    {
        var probeDirectory = Path.Combine(_directory, "probe");
        await new FileSink("probe", probeDirectory, 1024 * 1024).DeliverAsync(TestProfiles.Cpu("svc0"), CancellationToken.None);
        var oneFile = new FileInfo(Directory.GetFiles(probeDirectory).Single()).Length;
        var output = Path.Combine(_directory, "rotated");
        var maxBytes = (oneFile * 5) / 2;
        var sink = FileSink.Create(new SinkSpecification("file", output, "file-0", new Dictionary<string, string> { [FileSink.MaxBytesOption] = maxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        // No pause between deliveries: rotation orders by write time, then by name, and both follow
        // delivery order here (svc0 < svc1 ...), however coarse the file system's clock.
        for (var i = 0; i < 6; i++)
        {
            await sink.DeliverAsync(TestProfiles.Cpu($"svc{i}"), CancellationToken.None);
        }

        var left = Directory.GetFiles(output).Select(f => new FileInfo(f).Name).Order().ToList();
        Assert.Equal(2, left.Count);
        Assert.StartsWith("svc4-", left[0], StringComparison.Ordinal);
        Assert.StartsWith("svc5-", left[1], StringComparison.Ordinal);
    }

    private async Task WaitForFilesAsync(int count)
    {
        for (var i = 0; i < 200 && Directory.GetFiles(_directory, "*.pb.gz").Length < count; i++)
        {
            await Task.Delay(100);
        }
    }
}
