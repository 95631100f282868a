using Ember.Profiles.Otlp;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Conversion;

/// <summary>
/// Converts OTLP profiles to pprof; the inverse of <see cref="PprofToOtlp"/>.
/// <list type="bullet">
/// <item>Within a scope, profiles whose samples share identity (same count and, sample by sample, the
/// same stack, attribute set and link) plus the same period and profile attributes become one pprof
/// with a sample type per profile, ordered by <c>pprof.scope.sample_type_order</c> when present;
/// <c>pprof.scope.default_sample_type</c> is restored.</item>
/// <item>A sample's value is the sum of its values, or the number of its timestamps when it has none.</item>
/// <item>Attributes become labels: ints numeric (with unit), arrays repeated labels, the rest string
/// labels; a link becomes <c>trace_id</c>/<c>span_id</c> hex labels. Profile attributes other than
/// <c>pprof.*</c> become labels on every sample.</item>
/// <item><c>pprof.*</c> attributes and build IDs (gnu, else go, else htlhash) are restored into pprof
/// fields; other location and mapping attributes (e.g. <c>profile.frame.type</c>) have no pprof field
/// and are dropped, as are timestamps.</item>
/// <item>Time is the earliest profile start, duration covers every profile; period and period type
/// come from the first profile that sets them. Mappings are ordered by address (main binary first).</item>
/// </list>
/// </summary>
public static class OtlpToPprof
{
    /// <summary>
    /// One pprof per group of profiles sharing their samples, in resource, scope and profile order.
    /// Resource and scope attributes are not carried; use <see cref="ConvertMerged"/> to keep them.
    /// </summary>
    public static IReadOnlyList<P.Profile> Convert(ProfilesData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var result = new List<P.Profile>();
        foreach (var resource in data.ResourceProfiles)
        {
            foreach (var scope in resource.ScopeProfiles)
            {
                foreach (var group in ProfileGrouper.Group(scope))
                {
                    var builder = new PprofBuilder();
                    builder.Add(group, []);
                    result.Add(builder.Build());
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Everything in one pprof, for when a single file is needed. Resource attributes become labels on
    /// each sample of that resource (unless the sample or profile has the key), so samples of different
    /// processes stay apart. Sample types are the distinct (type, unit) pairs in order of appearance:
    /// profiles of the same type, from any resource or scope, fill the same sample type, and a sample has
    /// 0 for every sample type its profile group does not measure (0 adds nothing to any aggregate).
    /// </summary>
    public static P.Profile ConvertMerged(ProfilesData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var builder = new PprofBuilder();
        foreach (var resource in data.ResourceProfiles)
        {
            foreach (var scope in resource.ScopeProfiles)
            {
                foreach (var group in ProfileGrouper.Group(scope))
                {
                    builder.Add(group, resource.Resource.Attributes);
                }
            }
        }

        return builder.Build();
    }
}
