namespace Ember.PowerShell.Analysis;

/// <summary>Which cost a ranking or comparison uses.</summary>
public enum CostMeasure
{
    /// <summary>Time in the function itself (pprof "flat").</summary>
    Self,

    /// <summary>Time in the function and its callees (pprof "cum").</summary>
    Total,
}
