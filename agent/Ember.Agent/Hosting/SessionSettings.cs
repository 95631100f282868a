using Ember.Agent.Sampling;
using Ember.Agent.Session;

namespace Ember.Agent.Hosting;

/// <summary>What a command resolved for its profiling session.</summary>
/// <param name="Sampler">What to sample and how often.</param>
/// <param name="Session">When to drain, cut windows and stop.</param>
/// <param name="HostName">Reported as host.name on every resource.</param>
/// <param name="EnablePerfMaps">Whether to ask running .NET processes to write their perf maps.</param>
/// <param name="NameOnNode">Whether file-backed native and Go frames are named on the node (<c>--symbolize local</c>).</param>
internal sealed record SessionSettings(CpuSamplerOptions Sampler, ProfilingSessionOptions Session, string HostName, bool EnablePerfMaps = false, bool NameOnNode = true);
