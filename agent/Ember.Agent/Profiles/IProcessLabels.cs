using Ember.Agent.Processes;

namespace Ember.Agent.Profiles;

/// <summary>Where a process's extra resource attributes come from, and whether it is profiled at all.</summary>
public interface IProcessLabels
{
    /// <summary>False to leave the process out of the profile (e.g. outside the namespaces asked for).</summary>
    bool ShouldProfile(ProcessInfo process);

    /// <summary>Resource attributes to add for the process (e.g. k8s.*).</summary>
    IReadOnlyList<KeyValuePair<string, string>> ResourceAttributes(ProcessInfo process);
}
