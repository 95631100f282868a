namespace Ember.PowerShell.Analysis;

/// <summary>One row of <c>Get-ProfileTopFunction</c>: what a function cost over the profile(s).</summary>
public sealed class TopFunction
{
    internal TopFunction(string source, int rank, string function, double value, string unit, double share, double? cpuSeconds, double? averageCores, int profiles)
    {
        Source = source;
        Rank = rank;
        Function = function;
        Value = value;
        Unit = unit;
        Share = share;
        CpuSeconds = cpuSeconds;
        AverageCores = averageCores;
        Profiles = profiles;
    }

    /// <summary>The profile ranked, or "N profiles" with -Aggregate.</summary>
    public string Source { get; }

    /// <summary>1 for the costliest function.</summary>
    public int Rank { get; }

    /// <summary>Function (frame) name.</summary>
    public string Function { get; }

    /// <summary>The self or total value in the sample type's unit.</summary>
    public double Value { get; }

    /// <summary>Unit of <see cref="Value"/>.</summary>
    public string Unit { get; }

    /// <summary>Share of all samples, 0..1.</summary>
    public double Share { get; }

    /// <summary>CPU time in seconds, or null when the sample type is not time.</summary>
    public double? CpuSeconds { get; }

    /// <summary>CPU seconds divided by the wall time the profiles cover; null when unknown.</summary>
    public double? AverageCores { get; }

    /// <summary>How many profiles were aggregated.</summary>
    public int Profiles { get; }
}
