namespace Ember.Deploy.Tests.Metrics;

/// <summary>One <c>Meter.Create*("name", ..., unit, ...)</c> call found in the source.</summary>
/// <param name="Name">The OpenTelemetry instrument name, e.g. <c>ember.agent.samples</c>.</param>
/// <param name="Kind">The instrument kind.</param>
/// <param name="Unit">The UCUM unit, e.g. <c>s</c>, <c>By</c>, <c>{sample}</c>; null when none is given.</param>
/// <param name="Source">Repository-relative file and line of the call.</param>
internal sealed record InstrumentDefinition(string Name, InstrumentKind Kind, string? Unit, string Source);
