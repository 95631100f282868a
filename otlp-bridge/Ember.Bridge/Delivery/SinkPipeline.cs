using Ember.Bridge.Sinks;
using Ember.Bridge.Spooling;

namespace Ember.Bridge.Delivery;

/// <summary>A sink together with its own spool: receivers append to the spool, the delivery loop drains it into the sink.</summary>
/// <param name="Sink">The destination.</param>
/// <param name="Spool">The sink's durable queue.</param>
internal sealed record SinkPipeline(IProfileSink Sink, DurableSpool Spool);
