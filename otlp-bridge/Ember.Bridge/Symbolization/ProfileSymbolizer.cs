using Ember.Bridge.Telemetry;
using Ember.Symbols.DebugInfo;
using Ember.Profiles.Otlp;

namespace Ember.Bridge.Symbolization;

/// <summary>
/// The bridge's symbolizer stage, between the spool and a sink: every location that has no function
/// name and whose mapping has a GNU build ID is named from that build ID's debug information (see
/// <see cref="DebugInfoResolver"/>), with <c>file:line</c> where the debug file has line tables. It
/// waits for debug files at most <see cref="Deadline"/> per batch: a batch not fully named by then
/// goes on with the frames that are, and the lookups still running finish for later batches.
/// </summary>
internal sealed class ProfileSymbolizer(DebugInfoResolver resolver, TimeSpan deadline, TimeProvider time, BridgeMetrics metrics)
{
    /// <summary>Longest wait for debug files per batch.</summary>
    public TimeSpan Deadline { get; } = deadline;

    /// <summary>Names what it can of <paramref name="data"/>'s unnamed locations, in place.</summary>
    public async Task SymbolizeAsync(ProfilesData data, CancellationToken cancellationToken)
    {
        if (!resolver.HasSources)
        {
            return;
        }

        var unnamed = UnnamedByBuildId(data);
        if (unnamed.Count == 0)
        {
            return;
        }

        var lookups = unnamed.Keys.ToDictionary(id => id, resolver.GetAsync, StringComparer.Ordinal);
        try
        {
            // Waits for each lookup to end, however it ends; only finished ones are used below.
            var ended = lookups.Values.Select(l => l.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default));
            await Task.WhenAll(ended).WaitAsync(Deadline, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            metrics.SymbolizationDeadlineMissed();
        }

        var functions = new Dictionary<(string Name, string SystemName, string File), Function>();
        foreach (var (buildId, locations) in unnamed)
        {
            var lookup = lookups[buildId];
            var file = lookup.IsCompletedSuccessfully ? lookup.Result : null;
            long named = 0;
            foreach (var location in locations)
            {
                var mapping = location.Mapping!;
                if (file?.ToElfAddress(mapping.MemoryStart, mapping.FileOffset, location.Address) is not { } address || file.Resolve(address) is not { } frame)
                {
                    continue;
                }

                var key = (frame.FunctionName!, frame.SystemName ?? frame.FunctionName!, frame.FileName ?? string.Empty);
                if (!functions.TryGetValue(key, out var function))
                {
                    function = new Function { Name = key.Item1, SystemName = key.Item2, FileName = key.Item3 };
                    functions.Add(key, function);
                }

                location.Lines.Add(new Line { Function = function, Number = frame.Line ?? 0 });
                named++;
            }

            metrics.FramesSymbolized(named, locations.Count - named);
        }
    }

    /// <summary>Each location without a name whose mapping carries a GNU build ID, once, by build ID.</summary>
    private static Dictionary<string, List<Location>> UnnamedByBuildId(ProfilesData data)
    {
        var seen = new HashSet<Location>(ReferenceEqualityComparer.Instance);
        var result = new Dictionary<string, List<Location>>(StringComparer.Ordinal);
        foreach (var profile in data.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles))
        {
            foreach (var location in profile.Samples.SelectMany(s => s.Stack.Locations))
            {
                if (location.Lines.Count > 0 || location.Mapping is not { } mapping || !seen.Add(location)
                    || mapping.Attributes.FirstOrDefault(a => a.Key == SemanticConventions.ProcessExecutableBuildIdGnu)?.Value.StringValue is not { } buildId
                    || !BuildIds.IsValid(buildId))
                {
                    continue;
                }

                buildId = buildId.ToLowerInvariant();
                if (!result.TryGetValue(buildId, out var list))
                {
                    result[buildId] = list = [];
                }

                list.Add(location);
            }
        }

        return result;
    }
}
