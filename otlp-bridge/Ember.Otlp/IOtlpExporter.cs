using Ember.Profiles.Otlp;

namespace Ember.Otlp;

/// <summary>One OTLP transport: sends one export request, once; retrying (and waiting) is the caller's business.</summary>
public interface IOtlpExporter : IDisposable
{
    /// <summary>Sends the request and classifies the answer; transport errors become results, not exceptions.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    Task<ExportResult> ExportAsync(ProfilesData data, CancellationToken cancellation);
}
