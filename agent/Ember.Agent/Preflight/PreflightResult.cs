namespace Ember.Agent.Preflight;

/// <summary>How a preflight check ended.</summary>
public enum PreflightStatus
{
    /// <summary>The requirement is met.</summary>
    Passed,

    /// <summary>Not required, but worth knowing (e.g. BTF for later CO-RE programs).</summary>
    Warning,

    /// <summary>A privilege or kernel feature is missing: exit code 3.</summary>
    MissingPrivilege,

    /// <summary>Something else failed: exit code 1.</summary>
    Failed,
}

/// <summary>One preflight check: what was checked, what was found, and how to fix it.</summary>
public sealed record PreflightResult(string Name, PreflightStatus Status, string Detail, string? Fix = null);
