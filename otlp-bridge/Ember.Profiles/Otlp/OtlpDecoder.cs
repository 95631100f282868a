using Ember.Profiles.Protobuf;
using static Ember.Profiles.Otlp.OtlpFields;

namespace Ember.Profiles.Otlp;

/// <summary>
/// Decodes ProfilesData / ExportProfilesServiceRequest bytes. The dictionary may arrive after the
/// profiles that index into it, so the first pass only records byte ranges; tables are then
/// resolved in dependency order (strings, attributes, functions, mappings, locations, links,
/// stacks) and finally the resource/scope/profile tree, with every index range-checked.
/// </summary>
internal sealed class OtlpDecoder
{
    private readonly ReadOnlyMemory<byte> _payload;
    private readonly ProfileReadLimits _limits;
    private readonly List<string> _strings = [];
    private readonly List<KeyValueAndUnit> _attributes = [];
    private readonly List<Function> _functions = [];
    private readonly List<Mapping> _mappings = [];
    private readonly List<Location> _locations = [];
    private readonly List<Link> _links = [];
    private readonly List<Stack> _stacks = [];
    private readonly List<(int Start, int Length)> _resourceRanges = [];
    private readonly List<(int Start, int Length)>[] _tableRanges = [[], [], [], [], [], [], [], []];

    private OtlpDecoder(ReadOnlyMemory<byte> payload, ProfileReadLimits limits)
    {
        _payload = payload;
        _limits = limits;
    }

    public static ProfilesData Decode(ReadOnlyMemory<byte> payload, ProfileReadLimits limits) =>
        new OtlpDecoder(payload, limits).Decode();

    private ProfilesData Decode()
    {
        var reader = new ProtoReader(_payload.Span, 0, "ProfilesData");
        var sawDictionary = false;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case DataResourceProfiles:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(_resourceRanges.Count, _limits.MaxTableEntries, field);
                    _resourceRanges.Add(Range(ref reader));
                    break;
                case DataDictionary:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    var dictionary = reader.ReadMessage("ProfilesDictionary");
                    CollectDictionary(ref dictionary);
                    sawDictionary = true;
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        if (!sawDictionary && _resourceRanges.Count > 0)
        {
            throw new ProfileFormatException("ProfilesData: missing the dictionary that profiles refer to");
        }

        ResolveDictionary();
        var data = new ProfilesData();
        foreach (var range in _resourceRanges)
        {
            data.ResourceProfiles.Add(ReadResourceProfiles(range));
        }

        return data;
    }

    private static (int Start, int Length) Range(ref ProtoReader reader)
    {
        reader.ReadBytes(out var start);
        return (start, reader.Offset - start);
    }

    private ProtoReader Open((int Start, int Length) range, string message) =>
        new(_payload.Span.Slice(range.Start, range.Length), range.Start, message);

    private void CollectDictionary(ref ProtoReader reader)
    {
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field is < DictionaryMappingTable or > DictionaryStackTable)
            {
                reader.Skip(field, wire);
                continue;
            }

            reader.Expect(field, wire, WireType.LengthDelimited);
            if (field == DictionaryStringTable)
            {
                reader.CheckCount(_strings.Count, _limits.MaxTableEntries, field);
                _strings.Add(reader.ReadString());
                continue;
            }

            var ranges = _tableRanges[field];
            reader.CheckCount(ranges.Count, _limits.MaxTableEntries, field);
            ranges.Add(Range(ref reader));
        }
    }

    private void ResolveDictionary()
    {
        foreach (var range in _tableRanges[DictionaryAttributeTable])
        {
            var reader = Open(range, "KeyValueAndUnit");
            _attributes.Add(ReadAttribute(ref reader));
        }

        foreach (var range in _tableRanges[DictionaryFunctionTable])
        {
            var reader = Open(range, "Function");
            _functions.Add(ReadFunction(ref reader));
        }

        foreach (var range in _tableRanges[DictionaryMappingTable])
        {
            var reader = Open(range, "Mapping");
            _mappings.Add(ReadMapping(ref reader));
        }

        foreach (var range in _tableRanges[DictionaryLocationTable])
        {
            var reader = Open(range, "Location");
            _locations.Add(ReadLocation(ref reader));
        }

        foreach (var range in _tableRanges[DictionaryLinkTable])
        {
            var reader = Open(range, "Link");
            _links.Add(ReadLink(ref reader));
        }

        foreach (var range in _tableRanges[DictionaryStackTable])
        {
            var reader = Open(range, "Stack");
            _stacks.Add(ReadStack(ref reader));
        }
    }

    private string String(ref ProtoReader reader, int field, WireType wire)
    {
        var index = reader.ReadInt32Field(field, wire);
        if ((uint)index >= (uint)_strings.Count)
        {
            if (index == 0)
            {
                return string.Empty; // a missing string table still has an implicit "" at 0
            }

            throw reader.Error(reader.Offset, $"field {field}: string index {index} out of range (string table has {_strings.Count} entries)");
        }

        return _strings[index];
    }

    /// <summary>Resolves an optional reference: index 0 means "not set".</summary>
    private static T? Optional<T>(ref ProtoReader reader, List<T> table, int index, string what)
        where T : class
    {
        if (index == 0)
        {
            return null;
        }

        return Required(ref reader, table, index, what);
    }

    private static T Required<T>(ref ProtoReader reader, List<T> table, int index, string what)
    {
        if ((uint)index >= (uint)table.Count)
        {
            throw reader.Error(reader.Offset, $"{what} index {index} out of range ({what} table has {table.Count} entries)");
        }

        return table[index];
    }

    private void ReadIndices(ref ProtoReader reader, int field, WireType wire, List<int> into)
    {
        reader.ReadRepeatedVarint(field, wire, into, static v => unchecked((int)(long)v), _limits.MaxTableEntries);
    }

    private void AddAttributes(ref ProtoReader reader, int field, WireType wire, List<KeyValueAndUnit> into, List<int> scratch)
    {
        scratch.Clear();
        ReadIndices(ref reader, field, wire, scratch);
        foreach (var index in scratch)
        {
            into.Add(Required(ref reader, _attributes, index, "attribute"));
        }
    }

    private KeyValueAndUnit ReadAttribute(ref ProtoReader reader)
    {
        var key = string.Empty;
        var unit = string.Empty;
        var value = AnyValue.None;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case KeyValueAndUnitKey:
                    key = String(ref reader, field, wire);
                    break;
                case KeyValueAndUnitValue:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    var valueReader = reader.ReadMessage("AnyValue");
                    value = ReadAnyValue(ref valueReader, 1);
                    break;
                case KeyValueAndUnitUnit:
                    unit = String(ref reader, field, wire);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return new KeyValueAndUnit(key, value, unit);
    }

    private AnyValue ReadAnyValue(ref ProtoReader reader, int depth)
    {
        if (depth > _limits.MaxNestingDepth)
        {
            throw reader.Error(reader.Offset, $"values nested deeper than {_limits.MaxNestingDepth} levels");
        }

        var value = AnyValue.None;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case AnyValueString:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    value = AnyValue.String(reader.ReadString());
                    break;
                case AnyValueBool:
                    reader.Expect(field, wire, WireType.Varint);
                    value = AnyValue.Bool(reader.ReadBool());
                    break;
                case AnyValueInt:
                    reader.Expect(field, wire, WireType.Varint);
                    value = AnyValue.Int(reader.ReadInt64());
                    break;
                case AnyValueDouble:
                    reader.Expect(field, wire, WireType.Fixed64);
                    value = AnyValue.Double(reader.ReadDouble());
                    break;
                case AnyValueArray:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    var arrayReader = reader.ReadMessage("ArrayValue");
                    value = AnyValue.Array(ReadArray(ref arrayReader, depth + 1));
                    break;
                case AnyValueKeyValueList:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    var listReader = reader.ReadMessage("KeyValueList");
                    value = AnyValue.KeyValueList(ReadKeyValueList(ref listReader, depth + 1));
                    break;
                case AnyValueBytes:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    value = AnyValue.Bytes(reader.ReadBytes(out _).ToArray());
                    break;
                case AnyValueStringIndex:
                    value = AnyValue.String(String(ref reader, field, wire));
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return value;
    }

    private List<AnyValue> ReadArray(ref ProtoReader reader, int depth)
    {
        var values = new List<AnyValue>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field != ArrayValueValues)
            {
                reader.Skip(field, wire);
                continue;
            }

            reader.Expect(field, wire, WireType.LengthDelimited);
            reader.CheckCount(values.Count, _limits.MaxTableEntries, field);
            var element = reader.ReadMessage("AnyValue");
            values.Add(ReadAnyValue(ref element, depth + 1));
        }

        return values;
    }

    private List<KeyValue> ReadKeyValueList(ref ProtoReader reader, int depth)
    {
        var values = new List<KeyValue>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field != KeyValueListValues)
            {
                reader.Skip(field, wire);
                continue;
            }

            reader.Expect(field, wire, WireType.LengthDelimited);
            reader.CheckCount(values.Count, _limits.MaxTableEntries, field);
            var element = reader.ReadMessage("KeyValue");
            values.Add(ReadKeyValue(ref element, depth + 1));
        }

        return values;
    }

    private KeyValue ReadKeyValue(ref ProtoReader reader, int depth)
    {
        var key = string.Empty;
        var value = AnyValue.None;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case KeyValueKey:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    key = reader.ReadString();
                    break;
                case KeyValueValue:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    var valueReader = reader.ReadMessage("AnyValue");
                    value = ReadAnyValue(ref valueReader, depth + 1);
                    break;
                case KeyValueKeyIndex:
                    key = String(ref reader, field, wire);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return new KeyValue(key, value);
    }

    private Function ReadFunction(ref ProtoReader reader)
    {
        var function = new Function();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case FunctionName:
                    function.Name = String(ref reader, field, wire);
                    break;
                case FunctionSystemName:
                    function.SystemName = String(ref reader, field, wire);
                    break;
                case FunctionFilename:
                    function.FileName = String(ref reader, field, wire);
                    break;
                case FunctionStartLine:
                    reader.Expect(field, wire, WireType.Varint);
                    function.StartLine = reader.ReadInt64();
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return function;
    }

    private Mapping ReadMapping(ref ProtoReader reader)
    {
        var mapping = new Mapping();
        var scratch = new List<int>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
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
                    mapping.FileName = String(ref reader, field, wire);
                    break;
                case MappingAttributeIndices:
                    AddAttributes(ref reader, field, wire, mapping.Attributes, scratch);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return mapping;
    }

    private Location ReadLocation(ref ProtoReader reader)
    {
        var location = new Location();
        var scratch = new List<int>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case LocationMappingIndex:
                    location.Mapping = Optional(ref reader, _mappings, reader.ReadInt32Field(field, wire), "mapping");
                    break;
                case LocationAddress:
                    location.Address = reader.ReadVarintField(field, wire);
                    break;
                case LocationLines:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(location.Lines.Count, _limits.MaxTableEntries, field);
                    var lineReader = reader.ReadMessage("Line");
                    location.Lines.Add(ReadLine(ref lineReader));
                    break;
                case LocationAttributeIndices:
                    AddAttributes(ref reader, field, wire, location.Attributes, scratch);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return location;
    }

    private Line ReadLine(ref ProtoReader reader)
    {
        var line = new Line();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case LineFunctionIndex:
                    line.Function = Optional(ref reader, _functions, reader.ReadInt32Field(field, wire), "function");
                    break;
                case LineLine:
                    reader.Expect(field, wire, WireType.Varint);
                    line.Number = reader.ReadInt64();
                    break;
                case LineColumn:
                    reader.Expect(field, wire, WireType.Varint);
                    line.Column = reader.ReadInt64();
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return line;
    }

    private static Link ReadLink(ref ProtoReader reader)
    {
        byte[] traceId = [], spanId = [];
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case LinkTraceId:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    traceId = reader.ReadBytes(out _).ToArray();
                    break;
                case LinkSpanId:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    spanId = reader.ReadBytes(out _).ToArray();
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return new Link(traceId, spanId);
    }

    private Stack ReadStack(ref ProtoReader reader)
    {
        var stack = new Stack();
        var indices = new List<int>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field != StackLocationIndices)
            {
                reader.Skip(field, wire);
                continue;
            }

            ReadIndices(ref reader, field, wire, indices);
        }

        foreach (var index in indices)
        {
            stack.Locations.Add(Required(ref reader, _locations, index, "location"));
        }

        return stack;
    }

    private ResourceProfiles ReadResourceProfiles((int Start, int Length) range)
    {
        var reader = Open(range, "ResourceProfiles");
        var result = new ResourceProfiles();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ResourceProfilesResource:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    var resourceReader = reader.ReadMessage("Resource");
                    result.Resource = ReadResource(ref resourceReader);
                    break;
                case ResourceProfilesScopeProfiles:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(result.ScopeProfiles.Count, _limits.MaxTableEntries, field);
                    var scopeReader = reader.ReadMessage("ScopeProfiles");
                    result.ScopeProfiles.Add(ReadScopeProfiles(ref scopeReader));
                    break;
                case ResourceProfilesSchemaUrl:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    result.SchemaUrl = reader.ReadString();
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return result;
    }

    private Resource ReadResource(ref ProtoReader reader)
    {
        var resource = new Resource();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ResourceAttributes:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(resource.Attributes.Count, _limits.MaxTableEntries, field);
                    var kv = reader.ReadMessage("KeyValue");
                    resource.Attributes.Add(ReadKeyValue(ref kv, 1));
                    break;
                case ResourceDroppedAttributesCount:
                    reader.Expect(field, wire, WireType.Varint);
                    resource.DroppedAttributesCount = reader.ReadUInt32(field);
                    break;
                case ResourceEntityRefs:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(resource.EntityRefs.Count, _limits.MaxTableEntries, field);
                    var entityReader = reader.ReadMessage("EntityRef");
                    resource.EntityRefs.Add(ReadEntityRef(ref entityReader));
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return resource;
    }

    private EntityRef ReadEntityRef(ref ProtoReader reader)
    {
        var entity = new EntityRef();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case EntityRefSchemaUrl:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    entity.SchemaUrl = reader.ReadString();
                    break;
                case EntityRefType:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    entity.Type = reader.ReadString();
                    break;
                case EntityRefIdKeys:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(entity.IdKeys.Count, _limits.MaxTableEntries, field);
                    entity.IdKeys.Add(reader.ReadString());
                    break;
                case EntityRefDescriptionKeys:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(entity.DescriptionKeys.Count, _limits.MaxTableEntries, field);
                    entity.DescriptionKeys.Add(reader.ReadString());
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return entity;
    }

    private ScopeProfiles ReadScopeProfiles(ref ProtoReader reader)
    {
        var result = new ScopeProfiles();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ScopeProfilesScope:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    var scopeReader = reader.ReadMessage("InstrumentationScope");
                    result.Scope = ReadScope(ref scopeReader);
                    break;
                case ScopeProfilesProfiles:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(result.Profiles.Count, _limits.MaxTableEntries, field);
                    var profileReader = reader.ReadMessage("Profile");
                    result.Profiles.Add(ReadProfile(ref profileReader));
                    break;
                case ScopeProfilesSchemaUrl:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    result.SchemaUrl = reader.ReadString();
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return result;
    }

    private InstrumentationScope ReadScope(ref ProtoReader reader)
    {
        var scope = new InstrumentationScope();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ScopeName:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    scope.Name = reader.ReadString();
                    break;
                case ScopeVersion:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    scope.Version = reader.ReadString();
                    break;
                case ScopeAttributes:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(scope.Attributes.Count, _limits.MaxTableEntries, field);
                    var kv = reader.ReadMessage("KeyValue");
                    scope.Attributes.Add(ReadKeyValue(ref kv, 1));
                    break;
                case ScopeDroppedAttributesCount:
                    reader.Expect(field, wire, WireType.Varint);
                    scope.DroppedAttributesCount = reader.ReadUInt32(field);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return scope;
    }

    private ProfileValueType ReadValueType(ref ProtoReader reader)
    {
        string type = string.Empty, unit = string.Empty;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ValueTypeType:
                    type = String(ref reader, field, wire);
                    break;
                case ValueTypeUnit:
                    unit = String(ref reader, field, wire);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return new ProfileValueType(type, unit);
    }

    private Profile ReadProfile(ref ProtoReader reader)
    {
        var profile = new Profile();
        var scratch = new List<int>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ProfileSampleType:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    var typeReader = reader.ReadMessage("ValueType");
                    profile.SampleType = ReadValueType(ref typeReader);
                    break;
                case ProfileSamples:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    reader.CheckCount(profile.Samples.Count, _limits.MaxTableEntries, field);
                    var sampleReader = reader.ReadMessage("Sample");
                    profile.Samples.Add(ReadSample(ref sampleReader, scratch));
                    break;
                case ProfileTimeUnixNano:
                    reader.Expect(field, wire, WireType.Fixed64);
                    profile.TimeUnixNano = reader.ReadFixed64();
                    break;
                case ProfileDurationNano:
                    profile.DurationNano = reader.ReadVarintField(field, wire);
                    break;
                case ProfilePeriodType:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    var periodReader = reader.ReadMessage("ValueType");
                    profile.PeriodType = ReadValueType(ref periodReader);
                    break;
                case ProfilePeriod:
                    reader.Expect(field, wire, WireType.Varint);
                    profile.Period = reader.ReadInt64();
                    break;
                case ProfileProfileId:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    profile.ProfileId = reader.ReadBytes(out _).ToArray();
                    break;
                case ProfileDroppedAttributesCount:
                    reader.Expect(field, wire, WireType.Varint);
                    profile.DroppedAttributesCount = reader.ReadUInt32(field);
                    break;
                case ProfileOriginalPayloadFormat:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    profile.OriginalPayloadFormat = reader.ReadString();
                    break;
                case ProfileOriginalPayload:
                    reader.Expect(field, wire, WireType.LengthDelimited);
                    profile.OriginalPayload = reader.ReadBytes(out _).ToArray();
                    break;
                case ProfileAttributeIndices:
                    AddAttributes(ref reader, field, wire, profile.Attributes, scratch);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return profile;
    }

    private Sample ReadSample(ref ProtoReader reader, List<int> scratch)
    {
        var sample = new Sample();
        var stackIndex = 0;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case SampleStackIndex:
                    stackIndex = reader.ReadInt32Field(field, wire);
                    break;
                case SampleAttributeIndices:
                    AddAttributes(ref reader, field, wire, sample.Attributes, scratch);
                    break;
                case SampleLinkIndex:
                    sample.Link = Optional(ref reader, _links, reader.ReadInt32Field(field, wire), "link");
                    break;
                case SampleValues:
                    reader.ReadRepeatedVarint(field, wire, sample.Values, static v => (long)v, _limits.MaxTableEntries);
                    break;
                case SampleTimestamps:
                    reader.ReadRepeatedFixed64(field, wire, sample.TimestampsUnixNano, _limits.MaxTableEntries);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        // An empty stack table still means "stack 0 is the empty stack".
        sample.Stack = stackIndex == 0 && _stacks.Count == 0
            ? new Stack()
            : Required(ref reader, _stacks, stackIndex, "stack");
        return sample;
    }
}
