namespace Ember.PowerShell.Analysis;

/// <summary>
/// One function in <c>Compare-Profile</c>'s output: its self and total share of the samples before
/// and after, the change of the compared share and its 95% confidence interval.
/// </summary>
public sealed class FunctionChange
{
    internal FunctionChange(string function, string by, double selfBefore, double selfAfter, double totalBefore, double totalAfter,
        double change, double low, double high)
    {
        Function = function;
        By = by;
        SelfBefore = selfBefore;
        SelfAfter = selfAfter;
        TotalBefore = totalBefore;
        TotalAfter = totalAfter;
        Change = change;
        ChangeLow = low;
        ChangeHigh = high;
    }

    /// <summary>Function (frame) name.</summary>
    public string Function { get; }

    /// <summary>Which share <see cref="Change"/> compares: Self or Total.</summary>
    public string By { get; }

    /// <summary>Self share of the reference (before) profile, 0..1.</summary>
    public double SelfBefore { get; }

    /// <summary>Self share of the difference (after) profile, 0..1.</summary>
    public double SelfAfter { get; }

    /// <summary>Total share of the reference (before) profile, 0..1.</summary>
    public double TotalBefore { get; }

    /// <summary>Total share of the difference (after) profile, 0..1.</summary>
    public double TotalAfter { get; }

    /// <summary>After minus before of the compared share.</summary>
    public double Change { get; }

    /// <summary>Lower bound of the 95% confidence interval of <see cref="Change"/>.</summary>
    public double ChangeLow { get; }

    /// <summary>Upper bound of the 95% confidence interval of <see cref="Change"/>.</summary>
    public double ChangeHigh { get; }

    /// <summary>Whether the interval excludes zero: the change is unlikely to be sampling noise.</summary>
    public bool Significant => ChangeLow > 0 || ChangeHigh < 0;

    /// <summary>"grew", "shrank" or "not significant".</summary>
    public string Verdict => !Significant ? "not significant" : Change > 0 ? "grew" : "shrank";
}
