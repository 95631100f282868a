namespace Ember.Profiles.Rendering;

/// <summary>
/// A pprof profile aggregated into a call tree for one sample type: the root stands for all samples
/// and each child is a callee. A location's lines expand into one frame each (the last line is the
/// outermost caller). A frame is named by its function's name, else its system name, else by where
/// its code is: <c>mapping-file+0xfile-offset</c>, or <c>0xaddress</c> without a mapping; a function
/// named <c>[unknown]</c> counts as unnamed, so unknown frames of different binaries stay apart.
/// Samples whose value is zero add no nodes. Building is linear in the number of frames sampled.
/// </summary>
public sealed class CallTree
{
    /// <summary>Name of the root node, which stands for the whole profile.</summary>
    public const string RootName = "all";

    private CallTree(CallTreeNode root, ProfileValueType sampleType, int sampleTypeIndex)
    {
        Root = root;
        SampleType = sampleType;
        SampleTypeIndex = sampleTypeIndex;
    }

    /// <summary>The root; its <see cref="CallTreeNode.Total"/> is the profile's total.</summary>
    public CallTreeNode Root { get; }

    /// <summary>Type and unit of the values in the tree.</summary>
    public ProfileValueType SampleType { get; }

    /// <summary>Index into the profile's sample types the tree was built for.</summary>
    public int SampleTypeIndex { get; }

    /// <summary>Sum of all sample values (the root's total).</summary>
    public long Total => Root.Total;

    /// <summary>
    /// Builds the tree for <paramref name="sampleTypeIndex"/>, or for the profile's default sample
    /// type when null (see <see cref="DefaultSampleTypeIndex"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The profile has no sample types, or a sample's value count differs from them.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleTypeIndex"/> is not a sample type of the profile.</exception>
    public static CallTree Build(Pprof.Profile profile, int? sampleTypeIndex = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var index = sampleTypeIndex ?? DefaultSampleTypeIndex(profile);
        ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(sampleTypeIndex));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, profile.SampleTypes.Count, nameof(sampleTypeIndex));

        var builder = new CallTreeBuilder();
        for (var s = 0; s < profile.Samples.Count; s++)
        {
            var sample = profile.Samples[s];
            if (sample.Values.Count != profile.SampleTypes.Count)
            {
                throw new ArgumentException(
                    $"sample {s} has {sample.Values.Count} values but the profile has {profile.SampleTypes.Count} sample types",
                    nameof(profile));
            }

            if (sample.Values[index] != 0)
            {
                builder.Add(sample.Locations, sample.Values[index]);
            }
        }

        var root = builder.Finish();
        return new CallTree(root, profile.SampleTypes[index], index);
    }

    /// <summary>
    /// The sample type pprof shows by default: the one named by <see cref="Pprof.Profile.DefaultSampleType"/>,
    /// else the last one.
    /// </summary>
    /// <exception cref="ArgumentException">The profile has no sample types.</exception>
    public static int DefaultSampleTypeIndex(Pprof.Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.SampleTypes.Count == 0)
        {
            throw new ArgumentException("the profile has no sample types", nameof(profile));
        }

        if (profile.DefaultSampleType.Length > 0)
        {
            var named = profile.SampleTypes.FindIndex(t => t.Type == profile.DefaultSampleType);
            if (named >= 0)
            {
                return named;
            }
        }

        return profile.SampleTypes.Count - 1;
    }

    /// <summary>
    /// Lines up two trees by call path: every path present in either tree gets a node carrying both
    /// sides, raw and as a share of each side's total.
    /// </summary>
    public static CallTreeDiff Diff(CallTree before, CallTree after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return CallTreeDiff.Create(before, after);
    }
}
