using System.Management.Automation;

namespace Ember.PowerShell.Commands;

/// <summary>
/// Base of the module's cmdlets: a cancellation token that Ctrl+C (<see cref="StopProcessing"/>)
/// cancels, for network and file work, and helpers for errors with stable IDs.
/// </summary>
public abstract class EmberCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken CancellationToken => _stop.Token;

    /// <inheritdoc/>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Runs async work on the pipeline thread (Write* must be called from it) until done or stopped.</summary>
    /// <exception cref="PipelineStoppedException">Ctrl+C cancelled the work.</exception>
    protected T Await<T>(Func<CancellationToken, Task<T>> work)
    {
        try
        {
            return work(CancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>A non-terminating error with a stable ID, a category and the target.</summary>
    protected void WriteError(Exception exception, string errorId, ErrorCategory category, object? target) =>
        WriteError(new ErrorRecord(exception, errorId, category, target));

    /// <summary>A terminating error with a stable ID, a category and the target.</summary>
    protected void ThrowTerminatingError(Exception exception, string errorId, ErrorCategory category, object? target) =>
        ThrowTerminatingError(new ErrorRecord(exception, errorId, category, target));

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
