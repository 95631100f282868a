using System.Globalization;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Tests.Conversion;

/// <summary>
/// Compares two pprof profiles by value, field by field: object identity is ignored (each location,
/// mapping and function is compared by its content), the order of samples, sample types, comments
/// and mappings matters, locations and functions are compared as sets (pprof gives their table order
/// no meaning), and labels are compared per key in order (pprof gives the order across keys none).
/// </summary>
internal static class PprofComparer
{
    public static void AssertEqual(P.Profile expected, P.Profile actual)
    {
        var differences = Differences(expected, actual);
        Assert.True(differences.Count == 0, "profiles differ:\n" + string.Join('\n', differences.Take(25)));
    }

    public static List<string> Differences(P.Profile expected, P.Profile actual)
    {
        var differences = new List<string>();
        void Compare<T>(string path, T left, T right)
        {
            if (!EqualityComparer<T>.Default.Equals(left, right))
            {
                differences.Add($"{path}: expected {left} but got {right}");
            }
        }

        Compare("sampleTypes", Join(expected.SampleTypes), Join(actual.SampleTypes));
        Compare("dropFrames", expected.DropFrames, actual.DropFrames);
        Compare("keepFrames", expected.KeepFrames, actual.KeepFrames);
        Compare("timeNanos", expected.TimeNanos, actual.TimeNanos);
        Compare("durationNanos", expected.DurationNanos, actual.DurationNanos);
        Compare("periodType", expected.PeriodType?.ToString() ?? "null", actual.PeriodType?.ToString() ?? "null");
        Compare("period", expected.Period, actual.Period);
        Compare("comments", Join(expected.Comments), Join(actual.Comments));
        Compare("defaultSampleType", expected.DefaultSampleType, actual.DefaultSampleType);
        Compare("docUrl", expected.DocUrl, actual.DocUrl);
        Compare("mappings", Join(expected.Mappings.Select(Render)), Join(actual.Mappings.Select(Render)));
        Compare("locations (as a set)", SortedJoin(expected.Locations.Select(Render)), SortedJoin(actual.Locations.Select(Render)));
        Compare("functions (as a set)", SortedJoin(expected.Functions.Select(Render)), SortedJoin(actual.Functions.Select(Render)));
        Compare("samples.Count", expected.Samples.Count, actual.Samples.Count);
        for (var index = 0; index < Math.Min(expected.Samples.Count, actual.Samples.Count); index++)
        {
            var left = expected.Samples[index];
            var right = actual.Samples[index];
            Compare($"samples[{index}].values", Join(left.Values), Join(right.Values));
            Compare($"samples[{index}].locations", Join(left.Locations.Select(Render)), Join(right.Locations.Select(Render)));
            Compare($"samples[{index}].labels", Join(ByKey(left.Labels).Select(Render)), Join(ByKey(right.Labels).Select(Render)));
        }

        return differences;
    }

    /// <summary>The whole profile as text, for the message of a failed property.</summary>
    public static string Dump(P.Profile profile)
    {
        var lines = new List<string>
        {
            $"sampleTypes {Join(profile.SampleTypes)} default '{profile.DefaultSampleType}'",
            $"time {profile.TimeNanos} duration {profile.DurationNanos} period {profile.Period} {profile.PeriodType?.ToString() ?? "(no period type)"}",
            $"drop '{profile.DropFrames}' keep '{profile.KeepFrames}' doc '{profile.DocUrl}' comments {Join(profile.Comments)}",
            $"mappings {Join(profile.Mappings.Select(Render))}",
        };
        lines.AddRange(profile.Samples.Select((s, i) =>
            $"samples[{i}] values {Join(s.Values)} labels {Join(s.Labels.Select(Render))} stack {Join(s.Locations.Select(Render))}"));
        return string.Join('\n', lines);
    }

    /// <summary>Stable sort by key: the order of labels sharing a key is kept.</summary>
    private static IEnumerable<P.Label> ByKey(List<P.Label> labels) => labels.OrderBy(l => l.Key, StringComparer.Ordinal);

    private static string Join<T>(IEnumerable<T> items) => "[" + string.Join(", ", items) + "]";

    private static string SortedJoin(IEnumerable<string> items) => Join(items.Order(StringComparer.Ordinal));

    private static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    private static string Render(P.Label label) =>
        label.IsNumeric ? $"{label.Key}={label.Num}{(label.NumUnit.Length > 0 ? " " + label.NumUnit : string.Empty)} (numeric)" : $"{label.Key}=\"{label.Str}\"";

    private static string Render(P.Mapping? mapping) => mapping is null
        ? "no mapping"
        : $"{{[{Hex(mapping.MemoryStart)}, {Hex(mapping.MemoryLimit)}) offset {Hex(mapping.FileOffset)} '{mapping.FileName}' " +
          $"build '{mapping.BuildId}' functions={mapping.HasFunctions} filenames={mapping.HasFilenames} " +
          $"lines={mapping.HasLineNumbers} inline={mapping.HasInlineFrames}}}";

    private static string Render(P.Function? function) => function is null
        ? "no function"
        : $"{{'{function.Name}' system '{function.SystemName}' file '{function.FileName}' start {function.StartLine}}}";

    private static string Render(P.Location location) =>
        $"{{{Hex(location.Address)} folded={location.IsFolded} mapping {Render(location.Mapping)} lines " +
        Join(location.Lines.Select(l => $"{Render(l.Function)}:{l.Number}:{l.Column}")) + "}";
}
