namespace Ember.PowerShell.Analysis;

/// <summary>
/// The difference of two binomial proportions with a 95% confidence interval. Each CPU sample
/// lands in a function or not, so a function's sample count is binomial in the profile's sample
/// count. The interval is Agresti and Caffo's (2000): add one success and one failure to each side,
/// then the Wald interval; it keeps its coverage when a share is 0 or 1, where the plain Wald
/// interval collapses to a point.
/// </summary>
internal static class ShareDifference
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The interval for after-share minus before-share.</summary>
    public static (double Low, double High) Interval95(long beforeHits, long beforeSamples, long afterHits, long afterSamples)
    {
        var p1 = (beforeHits + 1.0) / (beforeSamples + 2.0);
        var p2 = (afterHits + 1.0) / (afterSamples + 2.0);
        var standardError = Math.Sqrt((p1 * (1 - p1) / (beforeSamples + 2.0)) + (p2 * (1 - p2) / (afterSamples + 2.0)));
        var center = p2 - p1;
        return (center - (Z95 * standardError), center + (Z95 * standardError));
    }
}
