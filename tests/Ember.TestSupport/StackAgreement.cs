using System.Globalization;

namespace Ember.TestSupport;

/// <summary>A stack and how many samples had it: frame names leaf first, null for a frame its profiler could not name.</summary>
public sealed record WeightedStack(long Count, IReadOnlyList<string?> Frames);

/// <summary>How <see cref="StackAgreement"/> normalizes stacks before comparing them.</summary>
/// <param name="LeafFrames">Keep only the leaf-most this many frames; null keeps whole stacks.</param>
/// <param name="Roots">
/// Where a program's own stack ends (main): the leaf-most frame of these names is kept and its callers
/// dropped. A frame-pointer walk goes on past main into the C runtime, built without frame pointers,
/// and leaves a frame there that it cannot name; .eh_frame unwinding stops at _start.
/// </param>
/// <param name="Entries">
/// The C runtime's entry frames: the leaf-most of these is dropped with its callers. They sit under
/// every stack of a process, so they say nothing about the workload, and a binary without symbols has
/// no main to cut at.
/// </param>
public sealed record StackNormalization(int? LeafFrames, IReadOnlySet<string> Roots, IReadOnlySet<string> Entries)
{
    /// <summary>Whole stacks, cut below main or above glibc's entry frames (_start, __libc_start_call_main, __libc_start_main).</summary>
    public static StackNormalization Default { get; } = new(
        null,
        new HashSet<string>(["main"], StringComparer.Ordinal),
        new HashSet<string>(["_start", "__libc_start_call_main", "__libc_start_main"], StringComparer.Ordinal));
}

/// <summary>One normalized stack whose share differs between the two sides.</summary>
public sealed record StackShareDifference(IReadOnlyList<string> Frames, double ShareA, double ShareB)
{
    /// <summary>The stack leaf first with both shares, for an assertion message.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ShareA:P1} vs {ShareB:P1}: {string.Join(" <- ", Frames)}");
}

/// <summary>The outcome of <see cref="StackAgreement.Compare"/>.</summary>
/// <param name="Agreement">Σ over stacks s of min(pA(s), pB(s)), 1 − the total-variation distance: 1 when both sides have the same stacks in the same shares, 0 when they share none.</param>
/// <param name="SamplesA">Samples of side A that had a stack (after normalization).</param>
/// <param name="SamplesB">Samples of side B that had a stack.</param>
/// <param name="Differences">The stacks whose shares differ most, largest difference first.</param>
public sealed record StackAgreementResult(double Agreement, long SamplesA, long SamplesB, IReadOnlyList<StackShareDifference> Differences)
{
    /// <summary>The agreement, the sample counts and the <paramref name="top"/> differing stacks, one a line.</summary>
    public string Describe(string nameA, string nameB, int top = 8) =>
        string.Create(CultureInfo.InvariantCulture, $"agreement {Agreement:F3} between {SamplesA} {nameA} and {SamplesB} {nameB} samples; shares {nameA} vs {nameB}:\n")
        + string.Join('\n', Differences.Take(top).Select(d => "  " + d));
}

/// <summary>
/// Compares two profilers' stack multisets for the same process and span. Each sample's stack is
/// normalized (<see cref="Normalize"/>); p(s) is the share of a side's samples with normalized stack s,
/// and the agreement is Σ_s min(pA(s), pB(s)), which is 1 − the total-variation distance between the two
/// stack distributions. Shares, not counts, are compared, so two profilers at the same frequency need not
/// take the same number of samples. Two exact profilers still differ by sampling noise: with n samples
/// on each side spread over k equally common stacks the expected agreement is about 1 − 0.56·√(k/n).
/// </summary>
public static class StackAgreement
{
    /// <summary>The name a frame without one gets: the agent's and perf's markers for an unnamed frame differ.</summary>
    public const string Unknown = "?";

    /// <summary>Compares side <paramref name="a"/> with side <paramref name="b"/>; stacks empty after normalization are not counted.</summary>
    public static StackAgreementResult Compare(IEnumerable<WeightedStack> a, IEnumerable<WeightedStack> b, StackNormalization? normalization = null)
    {
        normalization ??= StackNormalization.Default;
        var (sharesA, samplesA) = Shares(a, normalization);
        var (sharesB, samplesB) = Shares(b, normalization);
        var differences = sharesA.Keys.Union(sharesB.Keys, StringComparer.Ordinal)
            .Select(key => new StackShareDifference(key.Split('\n'), sharesA.GetValueOrDefault(key), sharesB.GetValueOrDefault(key)))
            .ToList();
        var agreement = differences.Sum(d => Math.Min(d.ShareA, d.ShareB));
        var ranked = differences.Where(d => d.ShareA != d.ShareB).OrderByDescending(d => Math.Abs(d.ShareA - d.ShareB)).ToList();
        return new StackAgreementResult(agreement, samplesA, samplesB, ranked);
    }

    /// <summary>
    /// The share of <paramref name="stacks"/>' samples whose frames contain <paramref name="chain"/> (leaf
    /// first) as consecutive frames, anywhere in the stack: a sample in a callee of the chain's leaf counts too.
    /// </summary>
    public static double ChainShare(IEnumerable<WeightedStack> stacks, IReadOnlyList<string> chain)
    {
        long total = 0, complete = 0;
        foreach (var stack in stacks)
        {
            total += stack.Count;
            if (ContainsRun(stack.Frames, chain))
            {
                complete += stack.Count;
            }
        }

        return total == 0 ? 0 : (double)complete / total;
    }

    /// <summary>
    /// One stack as compared: unnamed frames become <see cref="Unknown"/>; the stack ends at the
    /// leaf-most of <see cref="StackNormalization.Roots"/> (kept) or before the leaf-most of
    /// <see cref="StackNormalization.Entries"/>, whichever comes first; then the leaf-most
    /// <see cref="StackNormalization.LeafFrames"/> are kept.
    /// </summary>
    public static IReadOnlyList<string> Normalize(IReadOnlyList<string?> frames, StackNormalization normalization)
    {
        var names = frames.Select(f => string.IsNullOrEmpty(f) ? Unknown : f).ToList();
        var end = names.Count;
        for (var i = 0; i < names.Count; i++)
        {
            if (normalization.Roots.Contains(names[i]) || normalization.Entries.Contains(names[i]))
            {
                end = normalization.Roots.Contains(names[i]) ? i + 1 : i;
                break;
            }
        }

        return names.Take(Math.Min(end, normalization.LeafFrames ?? end)).ToList();
    }

    private static (Dictionary<string, double> Shares, long Samples) Shares(IEnumerable<WeightedStack> stacks, StackNormalization normalization)
    {
        // Function names hold no newline, so the joined frames are a stack's identity.
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var stack in stacks)
        {
            var frames = Normalize(stack.Frames, normalization);
            if (frames.Count > 0)
            {
                var key = string.Join('\n', frames);
                counts[key] = counts.GetValueOrDefault(key) + stack.Count;
            }
        }

        var total = counts.Values.Sum();
        return (counts.ToDictionary(c => c.Key, c => total == 0 ? 0 : (double)c.Value / total, StringComparer.Ordinal), total);
    }

    private static bool ContainsRun(IReadOnlyList<string?> frames, IReadOnlyList<string> chain)
    {
        for (var start = 0; start + chain.Count <= frames.Count; start++)
        {
            var matches = true;
            for (var i = 0; i < chain.Count && matches; i++)
            {
                matches = frames[start + i] == chain[i];
            }

            if (matches)
            {
                return true;
            }
        }

        return false;
    }
}
