namespace Ember.Profiles.Rendering;

/// <summary>One side of a <see cref="CallTreeDiffNode"/>: raw values and their shares of that side's total.</summary>
/// <param name="Total">Value through the frame; 0 when the path is absent on this side.</param>
/// <param name="Self">Value in the frame itself.</param>
/// <param name="TotalShare"><paramref name="Total"/> divided by the side's total (0 when that is 0).</param>
/// <param name="SelfShare"><paramref name="Self"/> divided by the side's total (0 when that is 0).</param>
public readonly record struct CallTreeMeasure(long Total, long Self, double TotalShare, double SelfShare);

/// <summary>A call path present in either tree of a <see cref="CallTreeDiff"/>.</summary>
public sealed class CallTreeDiffNode
{
    internal CallTreeDiffNode(string name, CallTreeMeasure before, CallTreeMeasure after)
    {
        Name = name;
        Before = before;
        After = after;
    }

    /// <summary>Frame name.</summary>
    public string Name { get; }

    /// <summary>The frame in the "before" tree (all zero when absent there).</summary>
    public CallTreeMeasure Before { get; }

    /// <summary>The frame in the "after" tree (all zero when absent there).</summary>
    public CallTreeMeasure After { get; }

    /// <summary>Change in total share, after minus before: positive grew, negative shrank.</summary>
    public double TotalShareDelta => After.TotalShare - Before.TotalShare;

    /// <summary>Callees present on either side, ordered by name (ordinal).</summary>
    public IReadOnlyList<CallTreeDiffNode> Children { get; internal set; } = [];

    /// <summary>The callee with this name, or null.</summary>
    public CallTreeDiffNode? Child(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var index = SortedByName.IndexOf(Children, name, static n => n.Name);
        return index >= 0 ? Children[index] : null;
    }
}
