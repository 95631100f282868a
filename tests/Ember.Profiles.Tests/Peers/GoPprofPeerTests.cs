using Ember.Profiles.Pprof;
using Ember.TestSupport;

namespace Ember.Profiles.Tests.Peers;

/// <summary>
/// Real Go runtime profiles, decoded and re-encoded by Ember, read by <c>go tool pprof</c>: the
/// peer must print exactly what it prints for the original file.
/// </summary>
public class GoPprofPeerTests
{
    public static TheoryData<string> HeapSampleIndexes() => new() { "alloc_objects", "alloc_space", "inuse_objects", "inuse_space" };

    [Fact]
    public void Go_cpu_profile_reencoded_by_Ember_reads_the_same_in_go_tool_pprof()
    {
        var original = GoPeer.RuntimeProfiles.CpuProfile;
        var rewritten = Rewrite(original);

        Assert.Equal(GoPeer.Pprof("-top", "-nodecount=100000", original), GoPeer.Pprof("-top", "-nodecount=100000", rewritten));
        Assert.Equal(GoPeer.Pprof("-raw", original), GoPeer.Pprof("-raw", rewritten));
    }

    [Fact]
    public void Go_cpu_profile_names_the_hot_function_after_decoding()
    {
        var profile = PprofCodec.ReadFile(GoPeer.RuntimeProfiles.CpuProfile);

        var samplesIndex = profile.SampleTypes.FindIndex(t => t.Type == "samples");
        double InLeaf(string function) => profile.Samples.Where(s => s.Locations[0].Lines[^1].Function?.Name == function).Sum(s => s.Values[samplesIndex]);
        var hot = InLeaf("main.hotLoop");
        var loops = hot + InLeaf("main.coldLoop");

        Assert.Equal(new ProfileValueType("cpu", "nanoseconds"), profile.PeriodType);
        // The loops share one body, split 70:30 by iterations; 2 s of CPU at 100 Hz is about 200
        // samples, so the 5σ bound is ±16 points.
        Assert.True(loops >= SampleShare.SamplesFor(0.7, 0.2), $"only {loops} samples in the loops");
        var (low, high) = SampleShare.Bounds(0.7, loops);
        Assert.InRange(hot / loops, low, high);
    }

    [Theory]
    [MemberData(nameof(HeapSampleIndexes))]
    public void Go_heap_profile_reencoded_by_Ember_reads_the_same_in_go_tool_pprof(string sampleIndex)
    {
        var original = GoPeer.RuntimeProfiles.HeapProfile;
        var rewritten = Rewrite(original);

        Assert.Equal(
            GoPeer.Pprof("-top", "-nodecount=100000", "-sample_index=" + sampleIndex, original),
            GoPeer.Pprof("-top", "-nodecount=100000", "-sample_index=" + sampleIndex, rewritten));
    }

    [Fact]
    public void Go_heap_profile_keeps_numeric_bytes_labels()
    {
        var profile = PprofCodec.ReadFile(GoPeer.RuntimeProfiles.HeapProfile);

        Assert.Equal(["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"], profile.SampleTypes.Select(t => t.Type));
        Assert.Contains(profile.Samples, s => s.Labels.Any(l => l is { Key: "bytes", IsNumeric: true, Num: 65536 }));
        Assert.Equal(GoPeer.Pprof("-raw", GoPeer.RuntimeProfiles.HeapProfile), GoPeer.Pprof("-raw", Rewrite(GoPeer.RuntimeProfiles.HeapProfile)));
    }

    private static string Rewrite(string path)
    {
        var profile = PprofCodec.ReadFile(path);
        var output = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + $".ember-{Guid.NewGuid():N}.pb.gz");
        File.WriteAllBytes(output, PprofCodec.EncodeGzip(profile));
        return output;
    }
}
