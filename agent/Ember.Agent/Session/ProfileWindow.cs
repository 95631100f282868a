using Ember.Agent.Sampling;
using Ember.Profiles.Otlp;

namespace Ember.Agent.Session;

/// <summary>One finished window of a profiling session, as handed to its <see cref="IWindowOutput"/>.</summary>
/// <param name="Data">The OTLP profiles of the window, one resource per process.</param>
/// <param name="Samples">Samples in <paramref name="Data"/>.</param>
/// <param name="UnknownFrames">Frames no symbol source could name (kept with their mapping).</param>
/// <param name="Start">When the window began.</param>
/// <param name="End">When it was cut.</param>
/// <param name="Counters">The sampler's cumulative counters at the window's last drain.</param>
public sealed record ProfileWindow(ProfilesData Data, long Samples, long UnknownFrames, DateTimeOffset Start, DateTimeOffset End, SamplerCounters Counters);
