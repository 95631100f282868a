using System.Text.RegularExpressions;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Pipeline;

/// <summary>
/// How much of a profile's hot path is unsymbolized: the share of sample value whose leaf frame (where
/// the CPU time is spent) has no function name, <c>[unknown]</c>, or only a hex address; and the
/// build IDs (or file names) of the binaries those frames are in.
/// </summary>
internal static partial class UnsymbolizedFrames
{
    public static (double Share, IReadOnlyList<string> Binaries) Measure(Pprof.Profile profile)
    {
        if (profile.SampleTypes.Count == 0)
        {
            return (0, []);
        }

        var index = profile.SampleTypes.Count - 1;
        long total = 0, unknown = 0;
        var binaries = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sample in profile.Samples)
        {
            var value = sample.Values.Count > index ? Math.Abs(sample.Values[index]) : 0;
            total += value;
            if (sample.Locations.Count > 0 && !IsSymbolized(sample.Locations[0]))
            {
                unknown += value;
                var mapping = sample.Locations[0].Mapping;
                var binary = mapping is null ? "(no mapping)"
                    : mapping.BuildId.Length > 0 ? $"{mapping.BuildId} ({mapping.FileName})"
                    : mapping.FileName;
                binaries[binary] = binaries.GetValueOrDefault(binary) + value;
            }
        }

        return (total == 0 ? 0 : (double)unknown / total, [.. binaries.OrderByDescending(static b => b.Value).Select(static b => b.Key)]);
    }

    private static bool IsSymbolized(Pprof.Location location) =>
        location.Lines.Any(static line => line.Function is { } f && IsName(f.Name.Length > 0 ? f.Name : f.SystemName));

    private static bool IsName(string name) => name.Length > 0 && name != "[unknown]" && !HexFrame().IsMatch(name);

    /// <summary>
    /// <c>0x7f12ab</c>, <c>7f12ab</c> or <c>libfoo.so+0x1a2b</c>: an address, not a name. A bare hex
    /// string needs a digit, so functions named like <c>facade</c> stay names.
    /// </summary>
    [GeneratedRegex(@"^(0x[0-9a-fA-F]+|(?=[a-fA-F]*[0-9])[0-9a-fA-F]{6,}|\S*\+0x[0-9a-fA-F]+)$")]
    private static partial Regex HexFrame();
}
