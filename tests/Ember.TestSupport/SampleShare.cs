namespace Ember.TestSupport;

/// <summary>
/// How far a share measured by sampling may honestly stray from the share a workload has by
/// construction: each of n samples lands in the function with probability p, so the measured share
/// is binomial with standard deviation sqrt(p(1-p)/n). Bounds are <see cref="Sigmas"/> of those wide.
/// </summary>
public static class SampleShare
{
    /// <summary>Two-sided 5σ: a correct profiler fails the bound in fewer than 6 of 10 million runs.</summary>
    public const double Sigmas = 5;

    /// <summary>The binomial standard deviation of a share <paramref name="expected"/> measured with <paramref name="samples"/> samples.</summary>
    public static double Spread(double expected, double samples) => Math.Sqrt(expected * (1 - expected) / samples);

    /// <summary>The 5σ interval around <paramref name="expected"/> for <paramref name="samples"/> samples.</summary>
    public static (double Low, double High) Bounds(double expected, double samples)
    {
        var tolerance = Sigmas * Spread(expected, samples);
        return (expected - tolerance, expected + tolerance);
    }

    /// <summary>
    /// The fewest samples for which the 5σ interval around <paramref name="expected"/> is at most
    /// <paramref name="tolerance"/> wide on each side: below that a test would judge luck, not the profiler.
    /// </summary>
    public static int SamplesFor(double expected, double tolerance) =>
        (int)Math.Ceiling(expected * (1 - expected) * (Sigmas / tolerance) * (Sigmas / tolerance));
}
