using System.Globalization;
using System.Text;
using Google.Protobuf;
using OP = Ember.Profiles.Tests.Oracle.Pprof;
using OT = Ember.Profiles.Tests.Oracle.Profiles;

namespace Ember.Profiles.Tests.Codecs;

/// <summary>
/// Renders oracle (Google.Protobuf) messages as text with every index and ID resolved, so two
/// encodings of the same profile compare equal even when table order and IDs differ. Written
/// against the generated types only: it shares no code with the codecs under test.
/// </summary>
internal static class OracleText
{
    public static string Pprof(OP.Profile p)
    {
        var s = new StringBuilder();
        string Str(long i) => p.StringTable[(int)i];
        var mappings = p.Mapping.ToDictionary(m => m.Id);
        var functions = p.Function.ToDictionary(f => f.Id);
        var locations = p.Location.ToDictionary(l => l.Id);
        string Mapping(ulong id) => id == 0 ? "-" : Fmt($"{Str(mappings[id].Filename)}[{mappings[id].MemoryStart:x}-{mappings[id].MemoryLimit:x}@{mappings[id].FileOffset:x}] build={Str(mappings[id].BuildId)} flags={mappings[id].HasFunctions},{mappings[id].HasFilenames},{mappings[id].HasLineNumbers},{mappings[id].HasInlineFrames}");
        string Function(ulong id) => id == 0 ? "-" : Fmt($"{Str(functions[id].Name)}|{Str(functions[id].SystemName)}|{Str(functions[id].Filename)}:{functions[id].StartLine}");
        string Location(ulong id)
        {
            var l = locations[id];
            var lines = string.Join(" ", l.Line.Select(x => Fmt($"{Function(x.FunctionId)}:{x.Line_}:{x.Column}")));
            return Fmt($"0x{l.Address:x} {Mapping(l.MappingId)} folded={l.IsFolded} [{lines}]");
        }

        s.AppendLine("types " + string.Join(",", p.SampleType.Select(t => Str(t.Type) + "/" + Str(t.Unit))));
        s.AppendLine(Fmt($"time {p.TimeNanos} duration {p.DurationNanos} period {p.Period} {(p.PeriodType is null ? "-" : Str(p.PeriodType.Type) + "/" + Str(p.PeriodType.Unit))}"));
        s.AppendLine($"drop {Str(p.DropFrames)} keep {Str(p.KeepFrames)} default {Str(p.DefaultSampleType)} doc {Str(p.DocUrl)}");
        s.AppendLine("comments " + string.Join("|", p.Comment.Select(Str)));
        s.AppendLine("mappings " + string.Join(" ; ", p.Mapping.Select(m => Mapping(m.Id))));
        foreach (var sample in p.Sample)
        {
            var labels = string.Join(",", sample.Label.Select(l => l.Str != 0 ? $"{Str(l.Key)}={Str(l.Str)}" : Fmt($"{Str(l.Key)}={l.Num}{Str(l.NumUnit)}")));
            s.AppendLine("sample " + string.Join(",", sample.Value) + " {" + labels + "}");
            foreach (var id in sample.LocationId)
            {
                s.AppendLine("  " + Location(id));
            }
        }

        return s.ToString();
    }

    public static string Otlp(OT.ProfilesData d) => Otlp(d.ResourceProfiles, d.Dictionary);

    public static string Otlp(IEnumerable<OT.ResourceProfiles> resources, OT.ProfilesDictionary dict)
    {
        var s = new StringBuilder();
        string Str(int i) => dict.StringTable[i];
        string Value(Oracle.Common.AnyValue? v) => v is null ? "null" : v.ValueCase switch
        {
            Oracle.Common.AnyValue.ValueOneofCase.StringValueStrindex => "s:" + Str(v.StringValueStrindex),
            Oracle.Common.AnyValue.ValueOneofCase.StringValue => "s:" + v.StringValue,
            Oracle.Common.AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(",", v.ArrayValue.Values.Select(Value)) + "]",
            Oracle.Common.AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(",", v.KvlistValue.Values.Select(KeyValue)) + "}",
            Oracle.Common.AnyValue.ValueOneofCase.BytesValue => "b:" + Convert.ToHexString(v.BytesValue.Span),
            Oracle.Common.AnyValue.ValueOneofCase.DoubleValue => "d:" + v.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
            _ => v.ToString(),
        };
        string KeyValue(Oracle.Common.KeyValue kv) => (kv.KeyStrindex != 0 ? Str(kv.KeyStrindex) : kv.Key) + "=" + Value(kv.Value);
        string Attr(int i) => Str(dict.AttributeTable[i].KeyStrindex) + "=" + Value(dict.AttributeTable[i].Value) + " " + Str(dict.AttributeTable[i].UnitStrindex);
        string Attrs(IEnumerable<int> ids) => "{" + string.Join(",", ids.Select(Attr)) + "}";
        string Mapping(int i)
        {
            var m = dict.MappingTable[i];
            return i == 0 ? "-" : Fmt($"{Str(m.FilenameStrindex)}[{m.MemoryStart:x}-{m.MemoryLimit:x}@{m.FileOffset:x}]{Attrs(m.AttributeIndices)}");
        }

        string Function(int i)
        {
            var f = dict.FunctionTable[i];
            return i == 0 ? "-" : Fmt($"{Str(f.NameStrindex)}|{Str(f.SystemNameStrindex)}|{Str(f.FilenameStrindex)}:{f.StartLine}");
        }

        string Location(int i)
        {
            var l = dict.LocationTable[i];
            var lines = string.Join(" ", l.Lines.Select(x => Fmt($"{Function(x.FunctionIndex)}:{x.Line_}:{x.Column}")));
            return Fmt($"0x{l.Address:x} {Mapping(l.MappingIndex)} {Attrs(l.AttributeIndices)} [{lines}]");
        }

        string Link(int i) => i == 0 ? "-" : Convert.ToHexString(dict.LinkTable[i].TraceId.Span) + "/" + Convert.ToHexString(dict.LinkTable[i].SpanId.Span);

        foreach (var r in resources)
        {
            s.AppendLine("resource " + string.Join(",", r.Resource?.Attributes.Select(KeyValue) ?? []) + " " + r.SchemaUrl);
            foreach (var sc in r.ScopeProfiles)
            {
                s.AppendLine($"scope {sc.Scope?.Name} {sc.Scope?.Version} " + string.Join(",", sc.Scope?.Attributes.Select(KeyValue) ?? []) + " " + sc.SchemaUrl);
                foreach (var p in sc.Profiles)
                {
                    s.AppendLine(Fmt($"profile {Str(p.SampleType.TypeStrindex)}/{Str(p.SampleType.UnitStrindex)} t={p.TimeUnixNano} d={p.DurationNano} period={p.Period} {(p.PeriodType is null ? "-" : Str(p.PeriodType.TypeStrindex) + "/" + Str(p.PeriodType.UnitStrindex))} id={Convert.ToHexString(p.ProfileId.Span)} dropped={p.DroppedAttributesCount} orig={p.OriginalPayloadFormat}:{p.OriginalPayload.Length} {Attrs(p.AttributeIndices)}"));
                    foreach (var sample in p.Samples)
                    {
                        s.AppendLine($"  sample v={string.Join(",", sample.Values)} ts={string.Join(",", sample.TimestampsUnixNano)} link={Link(sample.LinkIndex)} {Attrs(sample.AttributeIndices)}");
                        foreach (var loc in dict.StackTable.Count == 0 ? [] : dict.StackTable[sample.StackIndex].LocationIndices)
                        {
                            s.AppendLine("    " + Location(loc));
                        }
                    }
                }
            }
        }

        return s.ToString();
    }

    private static string Fmt(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static byte[] Bytes(IMessage message) => message.ToByteArray();
}
