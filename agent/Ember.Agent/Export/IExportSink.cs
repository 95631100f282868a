namespace Ember.Agent.Export;

/// <summary>Where <see cref="ExportQueue"/> hands each window; it returns once the window is done with.</summary>
public interface IExportSink
{
    /// <summary>Exports the window, retrying as it sees fit; failures are counted, not thrown.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    Task ExportAsync(ExportBatch batch, CancellationToken cancellation);
}
