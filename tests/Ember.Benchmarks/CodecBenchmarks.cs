using BenchmarkDotNet.Attributes;
using Ember.Profiles.Otlp;
using Profile = Ember.Profiles.Pprof.Profile;
using Ember.Profiles.Pprof;

namespace Ember.Benchmarks;

/// <summary>Decode, encode and conversion of a 60k-sample, 6k-function profile.</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private Profile _profile = null!;
    private byte[] _pprof = null!;
    private byte[] _pprofGzip = null!;
    private ProfilesData _otlp = null!;
    private byte[] _otlpBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _profile = SyntheticProfile.Create();
        _pprof = PprofCodec.Encode(_profile);
        _pprofGzip = PprofCodec.EncodeGzip(_profile);
        _otlp = PeerComparison.ToOtlp(_profile);
        _otlpBytes = OtlpCodec.Encode(_otlp);
    }

    [Benchmark]
    public Profile PprofDecode() => PprofCodec.Decode(_pprof);

    [Benchmark]
    public byte[] PprofEncode() => PprofCodec.Encode(_profile);

    [Benchmark(Description = "pprof.gz read+write (the go tool pprof -proto job)")]
    public byte[] PprofGzipRoundTrip() => PprofCodec.EncodeGzip(PprofCodec.Decode(_pprofGzip));

    [Benchmark]
    public ProfilesData OtlpDecode() => OtlpCodec.Decode(_otlpBytes);

    [Benchmark]
    public byte[] OtlpEncode() => OtlpCodec.Encode(_otlp);

    [Benchmark(Description = "pprof -> OTLP")]
    public ProfilesData PprofToOtlp() => PeerComparison.ToOtlp(_profile);

    [Benchmark(Description = "OTLP -> pprof")]
    public Profile OtlpToPprof() => PeerComparison.ToPprof(_otlp);
}
