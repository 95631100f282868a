using Ember.Profiles.Otlp;

namespace Ember.Bridge.Sinks;

/// <summary>
/// A destination the bridge forwards accepted profiles to (Pyroscope, Parca, OTLP, files).
/// The delivery loop calls <see cref="DeliverAsync"/> for one spooled batch at a time and only
/// removes the batch from the spool when the call returns.
/// </summary>
public interface IProfileSink : IAsyncDisposable
{
    /// <summary>Name used in metrics, logs and the spool directory, for example <c>pyroscope-0</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Delivers one batch. Failures are <see cref="SinkDeliveryException"/>: retryable ones keep
    /// the batch in the spool for another attempt, permanent ones move it aside as rejected.
    /// </summary>
    Task DeliverAsync(ProfilesData profiles, CancellationToken cancellationToken);
}
