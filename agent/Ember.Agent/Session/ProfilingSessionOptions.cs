namespace Ember.Agent.Session;

/// <summary>The clock of a profiling session: how often it drains, cuts windows, and when it ends by itself.</summary>
public sealed record ProfilingSessionOptions
{
    /// <summary>How often the kernel's counts map is drained within a window, so it does not fill up.</summary>
    public TimeSpan DrainInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a window is cut and handed to the output; null for one window until the session ends.</summary>
    public TimeSpan? Window { get; init; }

    /// <summary>How long the session samples before it ends by itself; null to sample until stopped.</summary>
    public TimeSpan? Duration { get; init; }
}
