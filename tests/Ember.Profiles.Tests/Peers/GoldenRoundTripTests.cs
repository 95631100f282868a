using Ember.Profiles.IO;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Ember.TestSupport;

namespace Ember.Profiles.Tests.Peers;

/// <summary>
/// Committed Go runtime profiles and the <c>go tool pprof -raw</c> output the peer printed for them
/// (testdata/go/README.md). Every route through Ember must lead back to a file for which the peer
/// prints the golden text again: samples, values, locations, functions, files, lines, mappings,
/// period and time.
/// </summary>
public class GoldenRoundTripTests
{
    public static TheoryData<string, string> Routes()
    {
        var data = new TheoryData<string, string>();
        foreach (var profile in new[] { "cpu", "heap" })
        {
            foreach (var route in new[] { "pprof", "otlp", "otlp-json" })
            {
                data.Add(profile, route);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void Round_trip_reproduces_the_peer_golden(string profile, string route)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "testdata", "go");
        var golden = File.ReadAllText(Path.Combine(directory, profile + ".raw.txt"));
        var original = PprofCodec.ReadFile(Path.Combine(directory, profile + ".pb.gz"));

        var back = route switch
        {
            "pprof" => PprofCodec.Decode(PprofCodec.Encode(original)),
            "otlp" => ProfileDocument.FromOtlp(OtlpCodec.Decode(OtlpCodec.Encode(ProfileDocument.FromPprof(original).Otlp))).Pprof,
            _ => ProfileDocument.FromOtlp(OtlpJsonCodec.Decode(OtlpJsonCodec.Encode(ProfileDocument.FromPprof(original).Otlp))).Pprof,
        };
        var output = Path.Combine(Directory.CreateTempSubdirectory("ember-golden-").FullName, $"{profile}.{route}.pb.gz");
        File.WriteAllBytes(output, PprofCodec.EncodeGzip(back));

        Assert.Equal(golden, GoPeer.Pprof("-raw", output));
    }
}
