using Ember.Profiles.Otlp;

namespace Ember.Agent.Export;

/// <summary>One collect window's export request and the number of samples in it.</summary>
public sealed record ExportBatch(ProfilesData Data, long Samples);
