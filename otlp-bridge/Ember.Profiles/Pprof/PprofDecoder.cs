using Ember.Profiles.Protobuf;
using static Ember.Profiles.Pprof.PprofFields;

namespace Ember.Profiles.Pprof;

/// <summary>
/// Decodes serialized perftools.profiles.Profile bytes in two passes: the first collects the
/// string table, scalars and the byte ranges of every sub-message (fields may come in any order);
/// the second resolves functions, mappings, locations and samples into the object model, checking
/// every ID and string index.
/// </summary>
internal sealed class PprofDecoder
{
    private readonly ReadOnlyMemory<byte> _payload;
    private readonly ProfileReadLimits _limits;
    private readonly List<string> _strings = [];
    private readonly List<(int Start, int Length)> _sampleTypes = [];
    private readonly List<(int Start, int Length)> _samples = [];
    private readonly List<(int Start, int Length)> _mappings = [];
    private readonly List<(int Start, int Length)> _locations = [];
    private readonly List<(int Start, int Length)> _functions = [];
    private readonly List<long> _comments = [];
    private (int Start, int Length)? _periodType;
    private long _dropFrames;
    private long _keepFrames;
    private long _defaultSampleType;
    private long _docUrl;
    private readonly IdTable<Mapping> _mappingIds = new();
    private readonly IdTable<Location> _locationIds = new();
    private readonly IdTable<Function> _functionIds = new();

    // Labels are immutable and repeat across samples (thread names, span ids): share one object
    // per distinct wire label instead of allocating one per sample.
    private readonly Dictionary<(long Key, long Str, long Num, long Unit), Label> _labels = [];

    private PprofDecoder(ReadOnlyMemory<byte> payload, ProfileReadLimits limits)
    {
        _payload = payload;
        _limits = limits;
    }

    public static Profile Decode(ReadOnlyMemory<byte> payload, ProfileReadLimits limits) =>
        new PprofDecoder(payload, limits).Decode();

    private Profile Decode()
    {
        var profile = new Profile();
        CollectTopLevel(profile);
        if (_strings.Count == 0 || _strings[0].Length != 0)
        {
            throw new ProfileFormatException("pprof: string_table[0] must be the empty string");
        }

        foreach (var range in _sampleTypes)
        {
            profile.SampleTypes.Add(ReadValueType(range, "sample_type"));
        }

        if (_periodType is { } periodType)
        {
            profile.PeriodType = ReadValueType(periodType, "period_type");
        }

        profile.DropFrames = String(_dropFrames, "drop_frames");
        profile.KeepFrames = String(_keepFrames, "keep_frames");
        profile.DefaultSampleType = String(_defaultSampleType, "default_sample_type");
        profile.DocUrl = String(_docUrl, "doc_url");
        foreach (var comment in _comments)
        {
            profile.Comments.Add(String(comment, "comment"));
        }

        foreach (var range in _functions)
        {
            profile.Functions.Add(ReadFunction(range));
        }

        foreach (var range in _mappings)
        {
            profile.Mappings.Add(ReadMapping(range));
        }

        foreach (var range in _locations)
        {
            profile.Locations.Add(ReadLocation(range));
        }

        foreach (var range in _samples)
        {
            profile.Samples.Add(ReadSample(range));
        }

        return profile;
    }

    private void CollectTopLevel(Profile profile)
    {
        var reader = new ProtoReader(_payload.Span, 0, "pprof Profile");
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ProfileSampleType:
                    AddRange(ref reader, field, wire, _sampleTypes);
                    break;
                case ProfileSample:
                    AddRange(ref reader, field, wire, _samples);
                    break;
                case ProfileMapping:
                    AddRange(ref reader, field, wire, _mappings);
                    break;
                case ProfileLocation:
                    AddRange(ref reader, field, wire, _locations);
                    break;
                case ProfileFunction:
                    AddRange(ref reader, field, wire, _functions);
                    break;
                case ProfileStringTable:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(_strings.Count, _limits.MaxTableEntries, field);
                    _strings.Add(reader.ReadString());
                    break;
                case ProfileDropFrames:
                    _dropFrames = reader.ReadInt64Field(field, wire);
                    break;
                case ProfileKeepFrames:
                    _keepFrames = reader.ReadInt64Field(field, wire);
                    break;
                case ProfileTimeNanos:
                    profile.TimeNanos = reader.ReadInt64Field(field, wire);
                    break;
                case ProfileDurationNanos:
                    profile.DurationNanos = reader.ReadInt64Field(field, wire);
                    break;
                case ProfilePeriodType:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.ReadBytes(out var start);
                    _periodType = (start, reader.Offset - start);
                    break;
                case ProfilePeriod:
                    profile.Period = reader.ReadInt64Field(field, wire);
                    break;
                case ProfileComment:
                    reader.ReadRepeatedVarint(field, wire, _comments, static v => (long)v, _limits.MaxTableEntries);
                    break;
                case ProfileDefaultSampleType:
                    _defaultSampleType = reader.ReadInt64Field(field, wire);
                    break;
                case ProfileDocUrl:
                    _docUrl = reader.ReadInt64Field(field, wire);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }
    }

    private void AddRange(ref ProtoReader reader, int field, WireType wire, List<(int Start, int Length)> into)
    {
        reader.Expect(field, wire, WireType.LengthDelimited);
        reader.CheckCount(into.Count, _limits.MaxTableEntries, field);
        reader.ReadBytes(out var start);
        into.Add((start, reader.Offset - start));
    }

    private ProtoReader Open((int Start, int Length) range, string message) =>
        new(_payload.Span.Slice(range.Start, range.Length), range.Start, message);

    private string String(long index, string what)
    {
        if (index < 0 || index >= _strings.Count)
        {
            throw new ProfileFormatException(
                $"pprof: {what} refers to string {index}, but the string table has {_strings.Count} entries");
        }

        return _strings[(int)index];
    }

    private ProfileValueType ReadValueType((int Start, int Length) range, string what)
    {
        var reader = Open(range, "pprof ValueType");
        long type = 0, unit = 0;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ValueTypeType:
                    type = reader.ReadInt64Field(field, wire);
                    break;
                case ValueTypeUnit:
                    unit = reader.ReadInt64Field(field, wire);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return new ProfileValueType(String(type, what + ".type"), String(unit, what + ".unit"));
    }

    private Function ReadFunction((int Start, int Length) range)
    {
        var reader = Open(range, "pprof Function");
        ulong id = 0;
        var function = new Function();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case FunctionId:
                    id = reader.ReadVarintField(field, wire);
                    break;
                case FunctionName:
                    function.Name = String(reader.ReadInt64Field(field, wire), "function.name");
                    break;
                case FunctionSystemName:
                    function.SystemName = String(reader.ReadInt64Field(field, wire), "function.system_name");
                    break;
                case FunctionFilename:
                    function.FileName = String(reader.ReadInt64Field(field, wire), "function.filename");
                    break;
                case FunctionStartLine:
                    function.StartLine = reader.ReadInt64Field(field, wire);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        Register(_functionIds, id, function, "function", range.Start);
        return function;
    }

    private Mapping ReadMapping((int Start, int Length) range)
    {
        var reader = Open(range, "pprof Mapping");
        ulong id = 0;
        var mapping = new Mapping();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case MappingId:
                    id = reader.ReadVarintField(field, wire);
                    break;
                case MappingMemoryStart:
                    mapping.MemoryStart = reader.ReadVarintField(field, wire);
                    break;
                case MappingMemoryLimit:
                    mapping.MemoryLimit = reader.ReadVarintField(field, wire);
                    break;
                case MappingFileOffset:
                    mapping.FileOffset = reader.ReadVarintField(field, wire);
                    break;
                case MappingFilename:
                    mapping.FileName = String(reader.ReadInt64Field(field, wire), "mapping.filename");
                    break;
                case MappingBuildId:
                    mapping.BuildId = String(reader.ReadInt64Field(field, wire), "mapping.build_id");
                    break;
                case MappingHasFunctions:
                    mapping.HasFunctions = reader.ReadVarintField(field, wire) != 0;
                    break;
                case MappingHasFilenames:
                    mapping.HasFilenames = reader.ReadVarintField(field, wire) != 0;
                    break;
                case MappingHasLineNumbers:
                    mapping.HasLineNumbers = reader.ReadVarintField(field, wire) != 0;
                    break;
                case MappingHasInlineFrames:
                    mapping.HasInlineFrames = reader.ReadVarintField(field, wire) != 0;
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        Register(_mappingIds, id, mapping, "mapping", range.Start);
        return mapping;
    }

    private Location ReadLocation((int Start, int Length) range)
    {
        var reader = Open(range, "pprof Location");
        ulong id = 0;
        var location = new Location();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case LocationId:
                    id = reader.ReadVarintField(field, wire);
                    break;
                case LocationMappingId:
                    var mappingId = reader.ReadVarintField(field, wire);
                    if (mappingId != 0)
                    {
                        location.Mapping = Resolve(_mappingIds, mappingId, "mapping", reader.Offset);
                    }

                    break;
                case LocationAddress:
                    location.Address = reader.ReadVarintField(field, wire);
                    break;
                case LocationLine:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(location.Lines.Count, _limits.MaxTableEntries, field);
                    var lineReader = reader.ReadMessage("pprof Line");
                    location.Lines.Add(ReadLine(ref lineReader));
                    break;
                case LocationIsFolded:
                    location.IsFolded = reader.ReadVarintField(field, wire) != 0;
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        Register(_locationIds, id, location, "location", range.Start);
        return location;
    }

    private Line ReadLine(ref ProtoReader reader)
    {
        var line = new Line();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case LineFunctionId:
                    var functionId = reader.ReadVarintField(field, wire);
                    if (functionId != 0)
                    {
                        line.Function = Resolve(_functionIds, functionId, "function", reader.Offset);
                    }

                    break;
                case LineLine:
                    line.Number = reader.ReadInt64Field(field, wire);
                    break;
                case LineColumn:
                    line.Column = reader.ReadInt64Field(field, wire);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return line;
    }

    private Sample ReadSample((int Start, int Length) range)
    {
        var reader = Open(range, "pprof Sample");
        var sample = new Sample();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case SampleLocationId:
                    ReadLocationIds(ref reader, field, wire, sample.Locations);
                    break;
                case SampleValue:
                    reader.ReadRepeatedVarint(field, wire, sample.Values, static v => (long)v, _limits.MaxTableEntries);
                    break;
                case SampleLabel:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(sample.Labels.Count, _limits.MaxTableEntries, field);
                    var labelReader = reader.ReadMessage("pprof Label");
                    sample.Labels.Add(ReadLabel(ref labelReader));
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return sample;
    }

    private void ReadLocationIds(ref ProtoReader reader, int field, WireType wire, List<Location> into)
    {
        if (wire == WireType.LengthDelimited)
        {
            var packed = reader.ReadMessage("pprof Sample.location_id");
            into.EnsureCapacity(into.Count + packed.CountVarints());
            while (!packed.End)
            {
                packed.CheckCount(into.Count, _limits.MaxTableEntries, field);
                into.Add(Resolve(_locationIds, packed.ReadVarint(), "location", packed.Offset));
            }

            return;
        }

        reader.Expect(field, wire, WireType.Varint);
        reader.CheckCount(into.Count, _limits.MaxTableEntries, field);
        into.Add(Resolve(_locationIds, reader.ReadVarint(), "location", reader.Offset));
    }

    private Label ReadLabel(ref ProtoReader reader)
    {
        long key = 0, str = 0, num = 0, unit = 0;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case LabelKey:
                    key = reader.ReadInt64Field(field, wire);
                    break;
                case LabelStr:
                    str = reader.ReadInt64Field(field, wire);
                    break;
                case LabelNum:
                    num = reader.ReadInt64Field(field, wire);
                    break;
                case LabelNumUnit:
                    unit = reader.ReadInt64Field(field, wire);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        if (str != 0)
        {
            num = unit = 0; // a string label ignores num and num_unit
        }

        if (!_labels.TryGetValue((key, str, num, unit), out var label))
        {
            var keyText = String(key, "label.key");
            label = str != 0
                ? Label.String(keyText, String(str, "label.str"))
                : Label.Number(keyText, num, String(unit, "label.num_unit"));
            _labels.Add((key, str, num, unit), label);
        }

        return label;
    }

    private static void Register<T>(IdTable<T> table, ulong id, T value, string what, int offset)
        where T : class
    {
        if (id == 0)
        {
            throw new ProfileFormatException($"pprof: {what} at offset {offset} has id 0; ids must be nonzero");
        }

        if (!table.TryAdd(id, value))
        {
            throw new ProfileFormatException($"pprof: duplicate {what} id {id} at offset {offset}");
        }
    }

    private static T Resolve<T>(IdTable<T> table, ulong id, string what, int offset)
        where T : class
    {
        if (!table.TryGet(id, out var value))
        {
            throw new ProfileFormatException($"pprof: unknown {what} id {id} referenced at offset {offset}");
        }

        return value;
    }
}
