using System.Globalization;
using System.Security.Cryptography;
using static System.FormattableString;
using Otlp = Ember.Profiles.Otlp;

namespace Ember.Profiles.Rendering;

/// <summary>The OTLP half of <see cref="TextDump"/>; one instance dumps one <see cref="Otlp.ProfilesData"/>.</summary>
internal sealed class OtlpDump
{
    private readonly CanonicalCatalog<Otlp.Function> _functions = new();
    private readonly CanonicalCatalog<Otlp.Mapping> _mappings = new();
    private readonly CanonicalCatalog<Otlp.Location> _locations = new();
    private readonly DumpWriter _out = new();

    private OtlpDump()
    {
    }

    public static string Write(Otlp.ProfilesData data) => new OtlpDump().Dump(data);

    private string Dump(Otlp.ProfilesData data)
    {
        var profiles = data.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).ToList();
        Catalog(profiles);

        _out.Line(0, "otlp profiles");
        foreach (var resourceProfiles in data.ResourceProfiles)
        {
            var resource = resourceProfiles.Resource;
            _out.Line(0, "resource_profiles schema_url=" + DumpWriter.Quote(resourceProfiles.SchemaUrl));
            _out.Line(1, Invariant($"resource dropped_attributes_count={resource.DroppedAttributesCount}"));
            WriteAttributes(2, resource.Attributes.Select(KeyValueText));
            foreach (var entity in resource.EntityRefs)
            {
                _out.Line(2, $"entity_ref schema_url={DumpWriter.Quote(entity.SchemaUrl)} type={DumpWriter.Quote(entity.Type)} "
                    + $"id_keys={Strings(entity.IdKeys)} description_keys={Strings(entity.DescriptionKeys)}");
            }

            foreach (var scopeProfiles in resourceProfiles.ScopeProfiles)
            {
                var scope = scopeProfiles.Scope;
                _out.Line(1, "scope_profiles schema_url=" + DumpWriter.Quote(scopeProfiles.SchemaUrl));
                _out.Line(2, Invariant($"scope name={DumpWriter.Quote(scope.Name)} version={DumpWriter.Quote(scope.Version)} dropped_attributes_count={scope.DroppedAttributesCount}"));
                WriteAttributes(3, scope.Attributes.Select(KeyValueText));
                foreach (var profile in scopeProfiles.Profiles)
                {
                    WriteProfile(profile);
                }
            }
        }

        foreach (var mapping in _mappings.Numbered)
        {
            _out.Line(0, $"mapping {MappingRef(mapping)} {MappingFields(mapping)}");
            WriteAttributes(1, mapping.Attributes.Select(AttributeText));
        }

        foreach (var function in _functions.Numbered)
        {
            _out.Line(0, $"function {FunctionRef(function)} {FunctionText(function)}");
        }

        return _out.ToString();
    }

    /// <summary>Registers everything samples reach, then keys locations by the ranks of what they reference.</summary>
    private void Catalog(List<Otlp.Profile> profiles)
    {
        var locations = new HashSet<Otlp.Location>(ReferenceEqualityComparer.Instance);
        foreach (var location in profiles.SelectMany(p => p.Samples).SelectMany(s => s.Stack.Locations))
        {
            if (!locations.Add(location))
            {
                continue;
            }

            if (location.Mapping is { } mapping)
            {
                _mappings.Add(mapping, MappingFields(mapping) + " " + string.Join(' ', SortedAttributes(mapping.Attributes)));
            }

            foreach (var function in location.Lines.Select(l => l.Function).OfType<Otlp.Function>())
            {
                _functions.Add(function, FunctionText(function));
            }
        }

        foreach (var location in locations)
        {
            var lines = location.Lines.Select(l => DumpWriter.LineKey(l.Function is null ? -1 : _functions.Rank(l.Function), l.Number, l.Column));
            var mapping = location.Mapping is null ? -1 : _mappings.Rank(location.Mapping);
            _locations.Add(location, Invariant($"{mapping} {location.Address} {string.Join(' ', lines)} {string.Join(' ', SortedAttributes(location.Attributes))}"));
        }
    }

    private void WriteProfile(Otlp.Profile profile)
    {
        _out.Line(2, "profile");
        _out.Line(3, "sample_type " + DumpWriter.ValueType(profile.SampleType));
        _out.Line(3, "period_type " + DumpWriter.ValueType(profile.PeriodType));
        _out.Line(3, Invariant($"period {profile.Period}"));
        _out.Line(3, Invariant($"time_unix_nano {profile.TimeUnixNano}"));
        _out.Line(3, Invariant($"duration_nano {profile.DurationNano}"));
        _out.Line(3, "profile_id " + DumpWriter.Bytes(profile.ProfileId));
        _out.Line(3, Invariant($"dropped_attributes_count {profile.DroppedAttributesCount}"));
        _out.Line(3, "original_payload_format " + DumpWriter.Quote(profile.OriginalPayloadFormat));
        // A payload can be megabytes; its length and hash identify it just as well.
        _out.Line(3, Invariant($"original_payload length={profile.OriginalPayload.Length} sha256={Convert.ToHexStringLower(SHA256.HashData(profile.OriginalPayload))}"));
        WriteAttributes(3, profile.Attributes.Select(AttributeText));

        var samples = profile.Samples.Select(s => (Key: SampleKey(s), Sample: s)).OrderBy(s => s.Key, StringComparer.Ordinal);
        foreach (var (_, sample) in samples)
        {
            _out.Line(3, $"sample values={DumpWriter.Numbers(sample.Values)} timestamps_unix_nano={DumpWriter.Numbers(sample.TimestampsUnixNano)}");
            WriteAttributes(4, sample.Attributes.Select(AttributeText));
            if (sample.Link is { } link)
            {
                _out.Line(4, LinkText(link));
            }

            foreach (var location in sample.Stack.Locations)
            {
                WriteFrame(location);
            }
        }
    }

    private string SampleKey(Otlp.Sample sample) =>
        $"{DumpWriter.Numbers(sample.Values)} {DumpWriter.Numbers(sample.TimestampsUnixNano)} "
        + $"{string.Join(' ', SortedAttributes(sample.Attributes))} {(sample.Link is null ? "no_link" : LinkText(sample.Link))} "
        + DumpWriter.Numbers(sample.Stack.Locations.Select(_locations.Rank));

    private void WriteFrame(Otlp.Location location)
    {
        var mapping = location.Mapping is null ? "no_mapping" : MappingRef(location.Mapping);
        _out.Line(4, $"frame {DumpWriter.Hex(location.Address)} {mapping}");
        WriteAttributes(5, location.Attributes.Select(AttributeText));
        foreach (var line in location.Lines)
        {
            var function = line.Function is null
                ? null
                : $"{FunctionRef(line.Function)} {DumpWriter.Quote(line.Function.Name)} {DumpWriter.Quote(line.Function.FileName)}";
            _out.Line(5, DumpWriter.SourceLine(function, line.Number, line.Column));
        }
    }

    private void WriteAttributes(int depth, IEnumerable<string> attributes)
    {
        foreach (var attribute in attributes.Order(StringComparer.Ordinal))
        {
            _out.Line(depth, "attribute " + attribute);
        }
    }

    private static IEnumerable<string> SortedAttributes(IEnumerable<Otlp.KeyValueAndUnit> attributes) =>
        attributes.Select(AttributeText).Order(StringComparer.Ordinal);

    private static string AttributeText(Otlp.KeyValueAndUnit attribute)
    {
        var text = DumpWriter.Quote(attribute.Key) + "=" + ValueText(attribute.Value);
        return attribute.Unit.Length > 0 ? text + " unit=" + DumpWriter.Quote(attribute.Unit) : text;
    }

    private static string KeyValueText(Otlp.KeyValue pair) => DumpWriter.Quote(pair.Key) + "=" + ValueText(pair.Value);

    /// <summary>A typed rendering: 1, double(1), "1" and bytes(01) all differ.</summary>
    private static string ValueText(Otlp.AnyValue value) => value.Kind switch
    {
        Otlp.AnyValueKind.String => DumpWriter.Quote(value.StringValue!),
        Otlp.AnyValueKind.Bool => value.BoolValue ? "true" : "false",
        Otlp.AnyValueKind.Int => value.IntValue.ToString(CultureInfo.InvariantCulture),
        Otlp.AnyValueKind.Double => "double(" + value.DoubleValue.ToString("R", CultureInfo.InvariantCulture) + ")",
        Otlp.AnyValueKind.Bytes => DumpWriter.Bytes(value.BytesValue!),
        Otlp.AnyValueKind.Array => "[" + string.Join(", ", value.ArrayValue!.Select(ValueText)) + "]",
        // A kvlist is a map in OTLP: its order carries no meaning.
        Otlp.AnyValueKind.KeyValueList => "{" + string.Join(", ", value.KeyValueListValue!.Select(KeyValueText).Order(StringComparer.Ordinal)) + "}",
        _ => "none",
    };

    private static string LinkText(Otlp.Link link) =>
        $"link trace_id={DumpWriter.Bytes(link.TraceId)} span_id={DumpWriter.Bytes(link.SpanId)}";

    private static string Strings(List<string> values) => "[" + string.Join(", ", values.Select(DumpWriter.Quote)) + "]";

    private string MappingRef(Otlp.Mapping mapping) => "M" + _mappings.Number(mapping).ToString(CultureInfo.InvariantCulture);

    private string FunctionRef(Otlp.Function function) => "F" + _functions.Number(function).ToString(CultureInfo.InvariantCulture);

    private static string MappingFields(Otlp.Mapping m) =>
        $"start={DumpWriter.Hex(m.MemoryStart)} limit={DumpWriter.Hex(m.MemoryLimit)} offset={DumpWriter.Hex(m.FileOffset)} file={DumpWriter.Quote(m.FileName)}";

    private static string FunctionText(Otlp.Function f) => DumpWriter.FunctionFields(f.Name, f.SystemName, f.FileName, f.StartLine);
}
