namespace Ember.Agent.Symbolization;

/// <summary>One drained, aggregated sample after symbolization: what the profile builder turns into OTLP.</summary>
/// <param name="Pid">The process (thread group id).</param>
/// <param name="ThreadName">The sampled thread's name.</param>
/// <param name="KernelFrames">Kernel frames, leaf first.</param>
/// <param name="UserFrames">User-space frames, leaf first.</param>
/// <param name="Count">Number of samples.</param>
public sealed record ResolvedSample(int Pid, string ThreadName, IReadOnlyList<ResolvedFrame> KernelFrames, IReadOnlyList<ResolvedFrame> UserFrames, long Count);
