namespace Ember.Agent.Sampling;

/// <summary>
/// Where a profiling session's samples come from: <see cref="CpuSampler"/> on the real kernel, a fake
/// in tests. Lifetime: <see cref="Start"/>, any number of <see cref="Drain"/>s, <see cref="Stop"/>,
/// then one more <see cref="Drain"/> for what was counted before the stop.
/// </summary>
public interface ISampleSource
{
    /// <summary>Starts sampling.</summary>
    void Start();

    /// <summary>Returns the samples counted since the previous drain and forgets them.</summary>
    CpuSampleBatch Drain();

    /// <summary>Stops sampling; what was counted stays for the next <see cref="Drain"/>.</summary>
    void Stop();
}
