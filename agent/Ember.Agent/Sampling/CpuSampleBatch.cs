namespace Ember.Agent.Sampling;

/// <summary>What one <see cref="CpuSampler.Drain"/> returned.</summary>
/// <param name="Samples">Aggregated samples since the previous drain.</param>
/// <param name="Counters">The sampler's cumulative counters, read after the drain.</param>
public sealed record CpuSampleBatch(IReadOnlyList<CpuSample> Samples, SamplerCounters Counters);
