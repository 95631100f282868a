using Ember.Profiles.Otlp;
using O = Ember.Profiles.Otlp;

namespace Ember.Profiles.Conversion;

/// <summary>OTLP profiles of one scope that become one pprof, in pprof sample-type order.</summary>
/// <param name="Members">The profiles; member i gives the pprof's i-th sample type.</param>
/// <param name="DefaultSampleType">The pprof default sample type to restore; empty when none.</param>
internal sealed record ProfileGroup(IReadOnlyList<O.Profile> Members, string DefaultSampleType);

/// <summary>Splits a scope's profiles into groups of profiles that share their samples.</summary>
internal static class ProfileGrouper
{
    public static List<ProfileGroup> Group(ScopeProfiles scope)
    {
        var profiles = scope.Profiles;
        var groups = new List<List<int>>();
        for (var index = 0; index < profiles.Count; index++)
        {
            var group = groups.Find(g => SampleIdentity.CanMerge(profiles[g[0]], profiles[index]));
            if (group is null)
            {
                groups.Add([index]);
            }
            else
            {
                group.Add(index);
            }
        }

        var order = SampleTypeOrder(scope.Scope.Attributes, profiles.Count);
        var defaultType = DefaultSampleType(scope.Scope.Attributes);
        var result = new List<ProfileGroup>(groups.Count);
        foreach (var group in groups)
        {
            if (order is not null)
            {
                group.Sort((a, b) => order[a].CompareTo(order[b]));
            }

            var members = group.ConvertAll(index => profiles[index]);
            // With several groups, the scope's default type belongs only to the group measuring it.
            var keepsDefault = groups.Count == 1 || members.Exists(p => p.SampleType.Type == defaultType);
            result.Add(new ProfileGroup(members, keepsDefault ? defaultType : string.Empty));
        }

        return result;
    }

    private static string DefaultSampleType(List<KeyValue> attributes)
    {
        var attribute = attributes.Find(a => a.Key == AttributeKeys.ScopeDefaultSampleType);
        return attribute?.Value.Kind == AnyValueKind.String ? attribute.Value.StringValue! : string.Empty;
    }

    /// <summary>
    /// <c>pprof.scope.sample_type_order</c>: element i is the pprof index of the scope's profile i.
    /// Null unless it is a permutation of the scope's profile indices (anything else cannot be honoured).
    /// </summary>
    private static int[]? SampleTypeOrder(List<KeyValue> attributes, int profileCount)
    {
        var attribute = attributes.Find(a => a.Key == AttributeKeys.ScopeSampleTypeOrder);
        if (attribute?.Value.ArrayValue is not { } values || values.Count != profileCount)
        {
            return null;
        }

        var order = new int[profileCount];
        var seen = new bool[profileCount];
        for (var index = 0; index < profileCount; index++)
        {
            var value = values[index];
            if (value.Kind != AnyValueKind.Int || value.IntValue < 0 || value.IntValue >= profileCount || seen[value.IntValue])
            {
                return null;
            }

            seen[value.IntValue] = true;
            order[index] = (int)value.IntValue;
        }

        return order;
    }
}
