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

        var cpuIndex = profile.SampleTypes.FindIndex(t => t.Type == "cpu");
        var total = profile.Samples.Sum(s => s.Values[cpuIndex]);
        var hot = profile.Samples.Where(s => s.Locations[0].Lines[^1].Function?.Name == "main.hotLoop").Sum(s => s.Values[cpuIndex]);

        Assert.Equal(new ProfileValueType("cpu", "nanoseconds"), profile.PeriodType);
        Assert.InRange((double)hot / total, 0.5, 0.9);
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
