namespace Ember.PowerShell.Pipeline;

/// <summary>One check of <c>Test-ProfilingPipeline</c>: what was checked, whether it passed, what was seen and how to fix it.</summary>
/// <param name="Name">DaemonSet, AgentLogs, ProfilesLanded, Symbolization or SpanCorrelation.</param>
/// <param name="Passed">Whether the check passed.</param>
/// <param name="Detail">What was observed.</param>
/// <param name="Remedy">What to do when it failed; empty when it passed.</param>
public sealed record PipelineCheck(string Name, bool Passed, string Detail, string Remedy)
{
    internal static PipelineCheck Pass(string name, string detail) => new(name, true, detail, string.Empty);

    internal static PipelineCheck Fail(string name, string detail, string remedy) => new(name, false, detail, remedy);
}
