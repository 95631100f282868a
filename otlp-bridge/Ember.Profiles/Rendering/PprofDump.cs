using System.Globalization;
using static System.FormattableString;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.Profiles.Rendering;

/// <summary>The pprof half of <see cref="TextDump"/>; one instance dumps one profile.</summary>
internal sealed class PprofDump
{
    private readonly CanonicalCatalog<Pprof.Function> _functions = new();
    private readonly CanonicalCatalog<Pprof.Mapping> _mappings = new();
    private readonly CanonicalCatalog<Pprof.Location> _locations = new();
    private readonly DumpWriter _out = new();

    private PprofDump()
    {
    }

    public static string Write(Pprof.Profile profile) => new PprofDump().Dump(profile);

    private string Dump(Pprof.Profile profile)
    {
        Catalog(profile);

        _out.Line(0, "pprof profile");
        foreach (var type in profile.SampleTypes)
        {
            _out.Line(0, "sample_type " + DumpWriter.ValueType(type));
        }

        _out.Line(0, "default_sample_type " + DumpWriter.Quote(profile.DefaultSampleType));
        _out.Line(0, "period_type " + DumpWriter.ValueType(profile.PeriodType));
        _out.Line(0, Invariant($"period {profile.Period}"));
        _out.Line(0, Invariant($"time_nanos {profile.TimeNanos}"));
        _out.Line(0, Invariant($"duration_nanos {profile.DurationNanos}"));
        _out.Line(0, "drop_frames " + DumpWriter.Quote(profile.DropFrames));
        _out.Line(0, "keep_frames " + DumpWriter.Quote(profile.KeepFrames));
        _out.Line(0, "doc_url " + DumpWriter.Quote(profile.DocUrl));
        foreach (var comment in profile.Comments)
        {
            _out.Line(0, "comment " + DumpWriter.Quote(comment));
        }

        var samples = profile.Samples.Select(s => (Key: SampleKey(s), Sample: s)).OrderBy(s => s.Key, StringComparer.Ordinal);
        foreach (var (_, sample) in samples)
        {
            WriteSample(sample);
        }

        foreach (var location in _locations.Unnumbered())
        {
            WriteLocation(0, "unreferenced_location ", location);
        }

        foreach (var mapping in _mappings.Unnumbered())
        {
            _mappings.Number(mapping);
        }

        foreach (var function in _functions.Unnumbered())
        {
            _functions.Number(function);
        }

        _out.Line(0, "main_binary " + (profile.Mappings.Count > 0 ? MappingRef(profile.Mappings[0]) : "none"));
        foreach (var mapping in _mappings.Numbered)
        {
            _out.Line(0, $"mapping {MappingRef(mapping)} {MappingText(mapping)}");
        }

        foreach (var function in _functions.Numbered)
        {
            _out.Line(0, $"function {FunctionRef(function)} {FunctionText(function)}");
        }

        return _out.ToString();
    }

    /// <summary>Registers everything reachable, then keys locations by the ranks of what they reference.</summary>
    private void Catalog(Pprof.Profile profile)
    {
        var locations = new HashSet<Pprof.Location>(ReferenceEqualityComparer.Instance);
        foreach (var location in profile.Samples.SelectMany(s => s.Locations).Concat(profile.Locations))
        {
            if (!locations.Add(location))
            {
                continue;
            }

            if (location.Mapping is { } mapping)
            {
                _mappings.Add(mapping, MappingText(mapping));
            }

            foreach (var function in location.Lines.Select(l => l.Function).OfType<Pprof.Function>())
            {
                _functions.Add(function, FunctionText(function));
            }
        }

        foreach (var mapping in profile.Mappings)
        {
            _mappings.Add(mapping, MappingText(mapping));
        }

        foreach (var function in profile.Functions)
        {
            _functions.Add(function, FunctionText(function));
        }

        foreach (var location in locations)
        {
            var lines = location.Lines.Select(l => DumpWriter.LineKey(l.Function is null ? -1 : _functions.Rank(l.Function), l.Number, l.Column));
            var mapping = location.Mapping is null ? -1 : _mappings.Rank(location.Mapping);
            _locations.Add(location, Invariant($"{mapping} {location.Address} {location.IsFolded} {string.Join(' ', lines)}"));
        }
    }

    private string SampleKey(Pprof.Sample sample) =>
        DumpWriter.Numbers(sample.Values) + " " + string.Join(' ', Labels(sample)) + " "
        + DumpWriter.Numbers(sample.Locations.Select(_locations.Rank));

    private void WriteSample(Pprof.Sample sample)
    {
        _out.Line(0, "sample values=" + DumpWriter.Numbers(sample.Values));
        foreach (var label in Labels(sample))
        {
            _out.Line(1, label);
        }

        foreach (var location in sample.Locations)
        {
            _locations.Number(location);
            WriteLocation(1, "frame ", location);
        }
    }

    private void WriteLocation(int depth, string prefix, Pprof.Location location)
    {
        var mapping = location.Mapping is null ? "no_mapping" : MappingRef(location.Mapping);
        _out.Line(depth, prefix + DumpWriter.Hex(location.Address) + " " + mapping + (location.IsFolded ? " folded" : string.Empty));
        foreach (var line in location.Lines)
        {
            var function = line.Function is null
                ? null
                : $"{FunctionRef(line.Function)} {DumpWriter.Quote(line.Function.Name)} {DumpWriter.Quote(line.Function.FileName)}";
            _out.Line(depth + 1, DumpWriter.SourceLine(function, line.Number, line.Column));
        }
    }

    private static IEnumerable<string> Labels(Pprof.Sample sample) =>
        sample.Labels.Select(LabelText).Order(StringComparer.Ordinal);

    private static string LabelText(Pprof.Label label)
    {
        var text = "label " + DumpWriter.Quote(label.Key);
        if (label.Str is not null)
        {
            text += " str=" + DumpWriter.Quote(label.Str);
        }

        // A string label with a number is malformed, but everything in the model must show.
        if (label.IsNumeric || label.Num != 0)
        {
            text += Invariant($" num={label.Num}");
        }

        return label.NumUnit.Length > 0 ? text + " unit=" + DumpWriter.Quote(label.NumUnit) : text;
    }

    private string MappingRef(Pprof.Mapping mapping) => "M" + _mappings.Number(mapping).ToString(CultureInfo.InvariantCulture);

    private string FunctionRef(Pprof.Function function) => "F" + _functions.Number(function).ToString(CultureInfo.InvariantCulture);

    private static string MappingText(Pprof.Mapping m) =>
        $"start={DumpWriter.Hex(m.MemoryStart)} limit={DumpWriter.Hex(m.MemoryLimit)} offset={DumpWriter.Hex(m.FileOffset)} "
        + $"file={DumpWriter.Quote(m.FileName)} build_id={DumpWriter.Quote(m.BuildId)} "
        + $"has_functions={Flag(m.HasFunctions)} has_filenames={Flag(m.HasFilenames)} "
        + $"has_line_numbers={Flag(m.HasLineNumbers)} has_inline_frames={Flag(m.HasInlineFrames)}";

    private static string FunctionText(Pprof.Function f) => DumpWriter.FunctionFields(f.Name, f.SystemName, f.FileName, f.StartLine);

    private static string Flag(bool value) => value ? "true" : "false";
}
