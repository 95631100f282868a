using Ember.Bridge.Telemetry;
using Ember.Symbols.DebugInfo;
using Ember.Symbols.Dwarf;
using Ember.Symbols.Elf;
using Ember.Symbols.Symbolization;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Symbolization;

/// <summary>
/// The parsed debug information of build IDs, from the sources in order (the store, then debuginfod).
/// A build ID is looked up once at a time: callers share its lookup, which runs on to completion
/// even when a caller stops waiting, so a later profile finds it ready. Files are kept in memory up to
/// <see cref="MaxFiles"/>, least recently used going first; a build ID no source has, or whose file is
/// malformed, is not asked for again for <see cref="MissTtl"/>.
/// </summary>
internal sealed partial class DebugInfoResolver(IReadOnlyList<IDebugInfoSource> sources, BridgeMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>Parsed files kept in memory at most.</summary>
    public const int MaxFiles = 32;

    /// <summary>How long a miss or a failure is remembered.</summary>
    public static readonly TimeSpan MissTtl = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Whether any source is configured.</summary>
    public bool HasSources => sources.Count > 0;

    /// <summary>The debug information of <paramref name="buildId"/>, or null when no source has a usable file.</summary>
    public Task<DebugInfoFile?> GetAsync(string buildId)
    {
        buildId = buildId.ToLowerInvariant();
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_entries.TryGetValue(buildId, out var entry) && !IsStaleMiss(entry, now))
            {
                entry.LastUsed = now;
                return entry.Lookup;
            }

            entry = new Entry(Task.Run(() => LookUpAsync(buildId)), now);
            _entries[buildId] = entry;
            EvictIfFull();
            return entry.Lookup;
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "debug info of build ID {BuildId} from {Source} is unusable: {Reason}")]
    private static partial void LogUnusable(ILogger logger, string buildId, string source, string reason);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "debug-info source {Source} failed for build ID {BuildId}: {Reason}")]
    private static partial void LogSourceFailed(ILogger logger, string source, string buildId, string reason);

    private async Task<DebugInfoFile?> LookUpAsync(string buildId)
    {
        foreach (var source in sources)
        {
            var started = time.GetTimestamp();
            string? path;
            try
            {
                path = await source.FindAsync(buildId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DebugInfoFetchException ex)
            {
                metrics.DebugInfoLookup(source.Name, "failed", time.GetElapsedTime(started));
                LogSourceFailed(logger, source.Name, buildId, ex.Message);
                continue;
            }

            if (path is null)
            {
                metrics.DebugInfoLookup(source.Name, "miss", time.GetElapsedTime(started));
                continue;
            }

            try
            {
                var file = DebugInfoFile.Open(path);
                metrics.DebugInfoLookup(source.Name, "hit", time.GetElapsedTime(started));
                return file;
            }
            catch (Exception ex) when (ex is ElfFormatException or UnsupportedElfException or DwarfFormatException or IOException or UnauthorizedAccessException)
            {
                metrics.DebugInfoLookup(source.Name, "unusable", time.GetElapsedTime(started));
                LogUnusable(logger, buildId, source.Name, ex.Message);
            }
        }

        return null;
    }

    private static bool IsStaleMiss(Entry entry, DateTimeOffset now) =>
        entry.Lookup.IsCompleted && (!entry.Lookup.IsCompletedSuccessfully || entry.Lookup.Result is null) && now >= entry.Created + MissTtl;

    private void EvictIfFull()
    {
        while (_entries.Count > MaxFiles)
        {
            var oldest = _entries.Where(e => e.Value.Lookup.IsCompleted).MinBy(e => e.Value.LastUsed);
            if (oldest.Key is null)
            {
                return; // every entry is still being looked up
            }

            _entries.Remove(oldest.Key);
        }
    }

    private sealed class Entry(Task<DebugInfoFile?> lookup, DateTimeOffset created)
    {
        public Task<DebugInfoFile?> Lookup { get; } = lookup;

        public DateTimeOffset Created { get; } = created;

        public DateTimeOffset LastUsed { get; set; } = created;
    }
}
