using Ember.Profiles.Rendering;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Analysis;

/// <summary>
/// Per-function costs of one sample type, aggregated over every call path: self sums the frames'
/// self values; total counts each sample once per function even when the function recurses, as
/// pprof's "cum" does. Frames are named as <see cref="CallTree"/> names them.
/// </summary>
internal static class FunctionCosts
{
    /// <summary>Costs by function name, and the profile's total.</summary>
    public static (Dictionary<string, FunctionCost> Costs, long ProfileTotal) Of(Pprof.Profile profile, int sampleTypeIndex)
    {
        var tree = CallTree.Build(profile, sampleTypeIndex);
        var costs = new Dictionary<string, FunctionCost>(StringComparer.Ordinal);
        var onPath = new Dictionary<string, int>(StringComparer.Ordinal);
        Walk(tree.Root, costs, onPath);
        return (costs, tree.Total);
    }

    /// <summary>Visits every frame below the root; an explicit stack, because stacks can be thousands deep.</summary>
    private static void Walk(CallTreeNode root, Dictionary<string, FunctionCost> costs, Dictionary<string, int> onPath)
    {
        var pending = new Stack<(CallTreeNode Node, bool Enter)>();
        foreach (var child in root.Children)
        {
            pending.Push((child, true));
        }

        while (pending.Count > 0)
        {
            var (current, enter) = pending.Pop();
            if (!enter)
            {
                var left = onPath[current.Name] - 1;
                if (left == 0)
                {
                    onPath.Remove(current.Name);
                }
                else
                {
                    onPath[current.Name] = left;
                }

                continue;
            }

            var outermost = !onPath.TryGetValue(current.Name, out var depth) || depth == 0;
            costs.TryGetValue(current.Name, out var cost);
            costs[current.Name] = new FunctionCost(cost.Self + current.Self, cost.Total + (outermost ? current.Total : 0));
            onPath[current.Name] = depth + 1;
            pending.Push((current, false));
            foreach (var child in current.Children)
            {
                pending.Push((child, true));
            }
        }
    }
}
