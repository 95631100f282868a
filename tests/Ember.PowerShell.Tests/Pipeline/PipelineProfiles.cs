using Ember.PowerShell.Tests.Fakes;
using Ember.PowerShell.Tests.Profiles;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Tests.Pipeline;

/// <summary>Series the fake stores hold for the pipeline tests.</summary>
public static class PipelineProfiles
{
    public const string CpuType = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
    public const string Span = "00f067aa0ba902b7";

    /// <summary>A checkout profile, a minute old: named frames, a tenth of its samples labelled with <see cref="Span"/>.</summary>
    public static FakeSeries Checkout(string service = "checkout", string profileType = CpuType)
    {
        var profile = TestProfiles.Cpu(15, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), ("main;handle;encode", 90), ("main;handle;encode", 10));
        profile.Samples[1].Labels.Add(Pprof.Label.String("span_id", Span));
        return Series(profile, service, profileType);
    }

    /// <summary>
    /// A profile whose hot path is half unsymbolized: its leaf frames are hex addresses in a binary
    /// with build ID 4fa1c0ffee, the way a node that lacked debug info reports them.
    /// </summary>
    public static FakeSeries HalfHex(string service = "checkout")
    {
        var profile = TestProfiles.Cpu(15, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), ("main;handle", 50), ("main;0x7f3a1b2c40", 50));
        var mapping = new Pprof.Mapping { FileName = "/usr/lib/libcrypto.so.3", BuildId = "4fa1c0ffee", MemoryStart = 0x7f3a00000000, MemoryLimit = 0x7f3b00000000 };
        profile.Samples[1].Locations[0].Mapping = mapping;
        profile.Mappings.Add(mapping);
        return Series(profile, service, CpuType);
    }

    private static FakeSeries Series(Pprof.Profile profile, string service, string profileType) => new(
        new Dictionary<string, string> { ["__profile_type__"] = profileType, ["service_name"] = service, ["namespace"] = "shop" },
        profile, DateTimeOffset.UtcNow.AddMinutes(-1));
}
