using Ember.Agent.Session;
using Ember.Profiles.IO;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Output;

/// <summary>
/// The record command's output: writes the window to one local file (atomically) in the chosen
/// format and prints the recording's summary line.
/// </summary>
/// <param name="path">The file to write.</param>
/// <param name="format">pprof, OTLP, OTLP/JSON, folded stacks or HTML.</param>
/// <param name="summary">Where the summary line goes (standard output).</param>
/// <param name="logger">Logs the sampler's counters.</param>
internal sealed class ProfileFileOutput(string path, ProfileFormat format, TextWriter summary, ILogger logger) : IWindowOutput
{
    /// <inheritdoc />
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file's directory is not writable.</exception>
    public void Write(ProfileWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var counters = window.Counters;
        AgentLog.RecordingFinished(logger, counters.Samples, counters.Dropped, counters.FilteredIdle, counters.FilteredPid, counters.CountMapFull, counters.ProcessEventsLost);
        ProfileFiles.WriteAtomically(path, ProfileDocument.FromOtlp(window.Data).Write(format));
        summary.WriteLine(
            $"wrote {path} ({ProfileFormats.Name(format)}): {window.Samples} samples from {window.Data.ResourceProfiles.Count} processes " +
            $"over {(window.End - window.Start).TotalSeconds:F1}s, {window.UnknownFrames} unsymbolized frames, {counters.CountMapFull} dropped");
    }
}
