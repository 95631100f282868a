namespace Ember.Profiles.Pprof;

/// <summary>
/// A pprof profile (perftools.profiles.Profile) with resolved references: samples point to
/// locations, locations to mappings and lines, lines to functions. IDs and the string table exist
/// only inside <see cref="PprofCodec"/>; on write, objects are interned by reference and numbered.
/// </summary>
public sealed class Profile
{
    /// <summary>One entry per value in every sample, e.g. (samples,count) and (cpu,nanoseconds).</summary>
    public List<ProfileValueType> SampleTypes { get; } = [];

    /// <summary>The samples; each has one value per sample type.</summary>
    public List<Sample> Samples { get; } = [];

    /// <summary>Mappings; by convention the first is the main binary.</summary>
    public List<Mapping> Mappings { get; } = [];

    /// <summary>Locations referenced by samples (more may be reachable only from samples).</summary>
    public List<Location> Locations { get; } = [];

    /// <summary>Functions referenced by lines.</summary>
    public List<Function> Functions { get; } = [];

    /// <summary>Regular expression of frames to drop (with their callees); empty when unset.</summary>
    public string DropFrames { get; set; } = string.Empty;

    /// <summary>Regular expression of frames kept even if <see cref="DropFrames"/> matches.</summary>
    public string KeepFrames { get; set; } = string.Empty;

    /// <summary>Collection time, nanoseconds since the Unix epoch.</summary>
    public long TimeNanos { get; set; }

    /// <summary>Length of the collection window in nanoseconds.</summary>
    public long DurationNanos { get; set; }

    /// <summary>What <see cref="Period"/> counts, e.g. (cpu, nanoseconds); null when unset.</summary>
    public ProfileValueType? PeriodType { get; set; }

    /// <summary>Distance between samples in <see cref="PeriodType"/> units.</summary>
    public long Period { get; set; }

    /// <summary>Free-form human-readable comments.</summary>
    public List<string> Comments { get; } = [];

    /// <summary>Type name of the preferred sample type; empty means the last one.</summary>
    public string DefaultSampleType { get; set; } = string.Empty;

    /// <summary>Documentation URL for the profile's sample types; empty when unset.</summary>
    public string DocUrl { get; set; } = string.Empty;
}
