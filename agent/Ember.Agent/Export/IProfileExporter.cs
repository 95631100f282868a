using Ember.Profiles.Otlp;

namespace Ember.Agent.Export;

/// <summary>One OTLP transport: sends one export request, once; retrying is the caller's business.</summary>
public interface IProfileExporter : IDisposable
{
    /// <summary>Sends the request and classifies the answer; transport errors become results, not exceptions.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    Task<ExportAttemptResult> SendAsync(ProfilesData data, CancellationToken cancellation);
}
