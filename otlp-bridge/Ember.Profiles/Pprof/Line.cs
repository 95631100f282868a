namespace Ember.Profiles.Pprof;

/// <summary>A source position inside a function.</summary>
public sealed class Line
{
    /// <summary>The function; null when the producer did not name it.</summary>
    public Function? Function { get; set; }

    /// <summary>1-based line number, 0 when unknown.</summary>
    public long Number { get; set; }

    /// <summary>1-based column, 0 when unknown.</summary>
    public long Column { get; set; }
}
