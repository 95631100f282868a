namespace Ember.Profiles.Rendering;

/// <summary>
/// Two call trees lined up by call path (see <see cref="CallTree.Diff"/>). Shares are normalized by
/// each side's own total, so a profile twice as long does not look like a regression everywhere.
/// </summary>
public sealed class CallTreeDiff
{
    private CallTreeDiff(CallTreeDiffNode root, ProfileValueType beforeSampleType, ProfileValueType afterSampleType)
    {
        Root = root;
        BeforeSampleType = beforeSampleType;
        AfterSampleType = afterSampleType;
    }

    /// <summary>The root; its measures are the two profiles' totals (share 1 unless a total is 0).</summary>
    public CallTreeDiffNode Root { get; }

    /// <summary>Sample type of the "before" tree.</summary>
    public ProfileValueType BeforeSampleType { get; }

    /// <summary>Sample type of the "after" tree.</summary>
    public ProfileValueType AfterSampleType { get; }

    internal static CallTreeDiff Create(CallTree before, CallTree after)
    {
        var beforeTotal = before.Total;
        var afterTotal = after.Total;
        var root = new CallTreeDiffNode(
            CallTree.RootName, Measure(before.Root, beforeTotal), Measure(after.Root, afterTotal));

        // Children of both sides are sorted by name, so a merge join pairs them in linear time.
        var pending = new Stack<(CallTreeNode? Before, CallTreeNode? After, CallTreeDiffNode Diff)>();
        pending.Push((before.Root, after.Root, root));
        while (pending.Count > 0)
        {
            var (b, a, diff) = pending.Pop();
            IReadOnlyList<CallTreeNode> bs = b?.Children ?? [], afters = a?.Children ?? [];
            if (bs.Count + afters.Count == 0)
            {
                continue;
            }

            var children = new CallTreeDiffNode[UnionCount(bs, afters)];
            int i = 0, j = 0, k = 0;
            while (i < bs.Count || j < afters.Count)
            {
                var order = Order(bs, i, afters, j);
                var bChild = order <= 0 ? bs[i++] : null;
                var aChild = order >= 0 ? afters[j++] : null;
                var child = new CallTreeDiffNode(
                    (bChild ?? aChild)!.Name, Measure(bChild, beforeTotal), Measure(aChild, afterTotal));
                children[k++] = child;
                pending.Push((bChild, aChild, child));
            }

            diff.Children = children;
        }

        return new CallTreeDiff(root, before.SampleType, after.SampleType);
    }

    /// <summary>How the next children of two name-sorted lists compare; an exhausted list sorts last.</summary>
    private static int Order(IReadOnlyList<CallTreeNode> before, int i, IReadOnlyList<CallTreeNode> after, int j) =>
        i == before.Count ? 1 : j == after.Count ? -1 : string.CompareOrdinal(before[i].Name, after[j].Name);

    private static int UnionCount(IReadOnlyList<CallTreeNode> before, IReadOnlyList<CallTreeNode> after)
    {
        int i = 0, j = 0, count = 0;
        while (i < before.Count || j < after.Count)
        {
            var order = Order(before, i, after, j);
            i += order <= 0 ? 1 : 0;
            j += order >= 0 ? 1 : 0;
            count++;
        }

        return count;
    }

    private static CallTreeMeasure Measure(CallTreeNode? node, long total)
    {
        if (node is null)
        {
            return default;
        }

        return new CallTreeMeasure(node.Total, node.Self, Share(node.Total, total), Share(node.Self, total));
    }

    private static double Share(long value, long total) => total == 0 ? 0 : (double)value / total;
}
