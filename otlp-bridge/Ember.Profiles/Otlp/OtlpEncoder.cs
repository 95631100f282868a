using System.Runtime.InteropServices;
using Ember.Profiles.Protobuf;
using static Ember.Profiles.Otlp.OtlpFields;

namespace Ember.Profiles.Otlp;

/// <summary>
/// Encodes the object model as ProfilesData / ExportProfilesServiceRequest. Profiles are written
/// first while their references are interned; the dictionary follows with every table starting at
/// its zero element. Functions, mappings and locations are interned by reference, stacks and links
/// by content, attributes and strings by value, all in first-use order, so output is deterministic.
/// Resource and scope attributes keep plain <c>key</c>/<c>string_value</c> (Pyroscope reads only those).
/// </summary>
internal sealed class OtlpEncoder
{
    private static readonly KeyValueAndUnit ZeroAttribute = new(string.Empty, AnyValue.None);

    private readonly ProtoWriter _writer;
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal) { [string.Empty] = 0 };
    private readonly List<string> _stringTable = [string.Empty];
    private readonly Dictionary<KeyValueAndUnit, int> _attributeIds = new() { [ZeroAttribute] = 0 };
    private readonly List<KeyValueAndUnit> _attributes = [ZeroAttribute];
    private readonly Dictionary<Function, int> _functionIds = new(ReferenceEqualityComparer.Instance);
    private readonly List<Function?> _functions = [null];
    private readonly Dictionary<Mapping, int> _mappingIds = new(ReferenceEqualityComparer.Instance);
    private readonly List<Mapping?> _mappings = [null];
    private readonly Dictionary<Location, int> _locationIds = new(ReferenceEqualityComparer.Instance);
    private readonly List<Location?> _locations = [null];
    private readonly Dictionary<string, int> _linkIds = new(StringComparer.Ordinal);
    private readonly List<Link?> _links = [null];
    private readonly Dictionary<Stack, int> _stackIdsByReference = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<StackKey, int> _stackIdsByContent = [];
    private readonly List<int[]> _stacks = [[]];
    private readonly List<int> _scratch = [];

    private OtlpEncoder(int capacity)
    {
        _writer = new ProtoWriter(capacity);
        _stackIdsByContent[new StackKey([])] = 0;
    }

    public static byte[] Encode(ProfilesData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var encoder = new OtlpEncoder((int)Math.Min(1 << 26, 256 + (data.SampleCount * 24)));
        return encoder.EncodeData(data);
    }

    private byte[] EncodeData(ProfilesData data)
    {
        foreach (var resourceProfiles in data.ResourceProfiles)
        {
            WriteResourceProfiles(resourceProfiles);
        }

        WriteDictionary();
        return _writer.ToArray();
    }

    private int String(string text)
    {
        if (!_strings.TryGetValue(text, out var index))
        {
            index = _stringTable.Count;
            _stringTable.Add(text);
            _strings.Add(text, index);
        }

        return index;
    }

    private int Attribute(KeyValueAndUnit attribute)
    {
        if (!_attributeIds.TryGetValue(attribute, out var index))
        {
            index = _attributes.Count;
            _attributes.Add(attribute);
            _attributeIds.Add(attribute, index);
        }

        return index;
    }

    private static int Intern<T>(Dictionary<T, int> ids, List<T?> table, T item)
        where T : class
    {
        if (!ids.TryGetValue(item, out var index))
        {
            index = table.Count;
            table.Add(item);
            ids.Add(item, index);
        }

        return index;
    }

    private int LinkIndex(Link? link)
    {
        if (link is null || link.IsEmpty)
        {
            return 0;
        }

        var key = Convert.ToHexString(link.TraceId) + "/" + Convert.ToHexString(link.SpanId);
        if (!_linkIds.TryGetValue(key, out var index))
        {
            index = _links.Count;
            _links.Add(link);
            _linkIds.Add(key, index);
        }

        return index;
    }

    private int StackIndex(Stack stack)
    {
        if (_stackIdsByReference.TryGetValue(stack, out var index))
        {
            return index;
        }

        var locations = new int[stack.Locations.Count];
        for (var i = 0; i < locations.Length; i++)
        {
            locations[i] = Intern(_locationIds, _locations, stack.Locations[i]);
        }

        var key = new StackKey(locations);
        if (!_stackIdsByContent.TryGetValue(key, out index))
        {
            index = _stacks.Count;
            _stacks.Add(locations);
            _stackIdsByContent.Add(key, index);
        }

        _stackIdsByReference.Add(stack, index);
        return index;
    }

    private void WriteResourceProfiles(ResourceProfiles resourceProfiles)
    {
        var start = _writer.BeginMessage(DataResourceProfiles);
        var resource = resourceProfiles.Resource;
        var resourceStart = _writer.BeginMessage(ResourceProfilesResource);
        foreach (var attribute in resource.Attributes)
        {
            WriteKeyValue(ResourceAttributes, attribute);
        }

        _writer.VarintField(ResourceDroppedAttributesCount, resource.DroppedAttributesCount);
        foreach (var entity in resource.EntityRefs)
        {
            var entityStart = _writer.BeginMessage(ResourceEntityRefs);
            _writer.StringField(EntityRefSchemaUrl, entity.SchemaUrl);
            _writer.StringField(EntityRefType, entity.Type);
            foreach (var key in entity.IdKeys)
            {
                _writer.StringAlways(EntityRefIdKeys, key);
            }

            foreach (var key in entity.DescriptionKeys)
            {
                _writer.StringAlways(EntityRefDescriptionKeys, key);
            }

            _writer.EndMessage(entityStart);
        }

        _writer.EndMessage(resourceStart);
        foreach (var scopeProfiles in resourceProfiles.ScopeProfiles)
        {
            WriteScopeProfiles(scopeProfiles);
        }

        _writer.StringField(ResourceProfilesSchemaUrl, resourceProfiles.SchemaUrl);
        _writer.EndMessage(start);
    }

    private void WriteScopeProfiles(ScopeProfiles scopeProfiles)
    {
        var start = _writer.BeginMessage(ResourceProfilesScopeProfiles);
        var scope = scopeProfiles.Scope;
        var scopeStart = _writer.BeginMessage(ScopeProfilesScope);
        _writer.StringField(ScopeName, scope.Name);
        _writer.StringField(ScopeVersion, scope.Version);
        foreach (var attribute in scope.Attributes)
        {
            WriteKeyValue(ScopeAttributes, attribute);
        }

        _writer.VarintField(ScopeDroppedAttributesCount, scope.DroppedAttributesCount);
        _writer.EndMessage(scopeStart);
        foreach (var profile in scopeProfiles.Profiles)
        {
            WriteProfile(profile);
        }

        _writer.StringField(ScopeProfilesSchemaUrl, scopeProfiles.SchemaUrl);
        _writer.EndMessage(start);
    }

    private void WriteProfile(Profile profile)
    {
        var start = _writer.BeginMessage(ScopeProfilesProfiles);
        WriteValueType(ProfileSampleType, profile.SampleType);
        foreach (var sample in profile.Samples)
        {
            WriteSample(sample);
        }

        _writer.Fixed64Field(ProfileTimeUnixNano, profile.TimeUnixNano);
        _writer.VarintField(ProfileDurationNano, profile.DurationNano);
        if (profile.PeriodType is { } periodType)
        {
            WriteValueType(ProfilePeriodType, periodType);
        }

        _writer.Int64Field(ProfilePeriod, profile.Period);
        _writer.BytesField(ProfileProfileId, profile.ProfileId);
        _writer.VarintField(ProfileDroppedAttributesCount, profile.DroppedAttributesCount);
        _writer.StringField(ProfileOriginalPayloadFormat, profile.OriginalPayloadFormat);
        _writer.BytesField(ProfileOriginalPayload, profile.OriginalPayload);
        WriteAttributeIndices(ProfileAttributeIndices, profile.Attributes);
        _writer.EndMessage(start);
    }

    private void WriteValueType(int field, ProfileValueType type)
    {
        var start = _writer.BeginMessage(field);
        _writer.Int32Field(ValueTypeType, String(type.Type));
        _writer.Int32Field(ValueTypeUnit, String(type.Unit));
        _writer.EndMessage(start);
    }

    private void WriteSample(Sample sample)
    {
        var start = _writer.BeginMessage(ProfileSamples);
        _writer.Int32Field(SampleStackIndex, StackIndex(sample.Stack));
        WriteAttributeIndices(SampleAttributeIndices, sample.Attributes);
        _writer.Int32Field(SampleLinkIndex, LinkIndex(sample.Link));
        _writer.PackedInt64s(SampleValues, CollectionsMarshal.AsSpan(sample.Values));
        _writer.PackedFixed64s(SampleTimestamps, CollectionsMarshal.AsSpan(sample.TimestampsUnixNano));
        _writer.EndMessage(start);
    }

    private void WriteAttributeIndices(int field, List<KeyValueAndUnit> attributes)
    {
        if (attributes.Count == 0)
        {
            return;
        }

        _scratch.Clear();
        foreach (var attribute in attributes)
        {
            _scratch.Add(Attribute(attribute));
        }

        _writer.PackedInt32s(field, CollectionsMarshal.AsSpan(_scratch));
    }

    private void WriteKeyValue(int field, KeyValue keyValue)
    {
        var start = _writer.BeginMessage(field);
        _writer.StringField(KeyValueKey, keyValue.Key);
        WriteAnyValue(KeyValueValue, keyValue.Value);
        _writer.EndMessage(start);
    }

    private void WriteAnyValue(int field, AnyValue value)
    {
        var start = _writer.BeginMessage(field);
        switch (value.Kind)
        {
            case AnyValueKind.String:
                _writer.StringAlways(AnyValueString, value.StringValue!);
                break;
            case AnyValueKind.Bool:
                _writer.Tag(AnyValueBool, WireType.Varint);
                _writer.Varint(value.BoolValue ? 1UL : 0UL);
                break;
            case AnyValueKind.Int:
                _writer.Tag(AnyValueInt, WireType.Varint);
                _writer.Varint((ulong)value.IntValue);
                break;
            case AnyValueKind.Double:
                _writer.Tag(AnyValueDouble, WireType.Fixed64);
                _writer.Fixed64(BitConverter.DoubleToUInt64Bits(value.DoubleValue));
                break;
            case AnyValueKind.Array:
                var arrayStart = _writer.BeginMessage(AnyValueArray);
                foreach (var element in value.ArrayValue!)
                {
                    WriteAnyValue(ArrayValueValues, element);
                }

                _writer.EndMessage(arrayStart);
                break;
            case AnyValueKind.KeyValueList:
                var listStart = _writer.BeginMessage(AnyValueKeyValueList);
                foreach (var pair in value.KeyValueListValue!)
                {
                    WriteKeyValue(KeyValueListValues, pair);
                }

                _writer.EndMessage(listStart);
                break;
            case AnyValueKind.Bytes:
                _writer.BytesAlways(AnyValueBytes, value.BytesValue!);
                break;
            default:
                break; // an empty AnyValue is an empty message
        }

        _writer.EndMessage(start);
    }

    private void WriteDictionary()
    {
        // Locations are all known once the stacks are; intern what they refer to before the
        // mapping and function tables are written ahead of the location table.
        for (var i = 1; i < _locations.Count; i++)
        {
            var location = _locations[i]!;
            if (location.Mapping is { } mapping)
            {
                Intern(_mappingIds, _mappings, mapping);
            }

            foreach (var line in location.Lines)
            {
                if (line.Function is { } function)
                {
                    Intern(_functionIds, _functions, function);
                }
            }
        }

        var start = _writer.BeginMessage(DataDictionary);
        foreach (var mapping in _mappings)
        {
            WriteMapping(mapping);
        }

        foreach (var location in _locations)
        {
            WriteLocation(location);
        }

        foreach (var function in _functions)
        {
            var functionStart = _writer.BeginMessage(DictionaryFunctionTable);
            if (function is not null)
            {
                _writer.Int32Field(FunctionName, String(function.Name));
                _writer.Int32Field(FunctionSystemName, String(function.SystemName));
                _writer.Int32Field(FunctionFilename, String(function.FileName));
                _writer.Int64Field(FunctionStartLine, function.StartLine);
            }

            _writer.EndMessage(functionStart);
        }

        foreach (var link in _links)
        {
            var linkStart = _writer.BeginMessage(DictionaryLinkTable);
            _writer.BytesAlways(LinkTraceId, link?.TraceId ?? new byte[16]);
            _writer.BytesAlways(LinkSpanId, link?.SpanId ?? new byte[8]);
            _writer.EndMessage(linkStart);
        }

        // Attribute keys and units refer to strings: intern them before the string table.
        foreach (var attribute in _attributes)
        {
            String(attribute.Key);
            String(attribute.Unit);
        }

        foreach (var text in _stringTable)
        {
            _writer.StringAlways(DictionaryStringTable, text);
        }

        for (var i = 0; i < _attributes.Count; i++)
        {
            var attribute = _attributes[i];
            var attributeStart = _writer.BeginMessage(DictionaryAttributeTable);
            if (i != 0)
            {
                _writer.Int32Field(KeyValueAndUnitKey, _strings[attribute.Key]);
                WriteAnyValue(KeyValueAndUnitValue, attribute.Value);
                _writer.Int32Field(KeyValueAndUnitUnit, _strings[attribute.Unit]);
            }

            _writer.EndMessage(attributeStart);
        }

        foreach (var stack in _stacks)
        {
            var stackStart = _writer.BeginMessage(DictionaryStackTable);
            _writer.PackedInt32s(StackLocationIndices, stack);
            _writer.EndMessage(stackStart);
        }

        _writer.EndMessage(start);
    }

    private void WriteMapping(Mapping? mapping)
    {
        var start = _writer.BeginMessage(DictionaryMappingTable);
        if (mapping is not null)
        {
            _writer.VarintField(MappingMemoryStart, mapping.MemoryStart);
            _writer.VarintField(MappingMemoryLimit, mapping.MemoryLimit);
            _writer.VarintField(MappingFileOffset, mapping.FileOffset);
            _writer.Int32Field(MappingFilename, String(mapping.FileName));
            WriteAttributeIndices(MappingAttributeIndices, mapping.Attributes);
        }

        _writer.EndMessage(start);
    }

    private void WriteLocation(Location? location)
    {
        var start = _writer.BeginMessage(DictionaryLocationTable);
        if (location is not null)
        {
            _writer.Int32Field(LocationMappingIndex, location.Mapping is { } mapping ? _mappingIds[mapping] : 0);
            _writer.VarintField(LocationAddress, location.Address);
            foreach (var line in location.Lines)
            {
                var lineStart = _writer.BeginMessage(LocationLines);
                _writer.Int32Field(LineFunctionIndex, line.Function is { } function ? _functionIds[function] : 0);
                _writer.Int64Field(LineLine, line.Number);
                _writer.Int64Field(LineColumn, line.Column);
                _writer.EndMessage(lineStart);
            }

            WriteAttributeIndices(LocationAttributeIndices, location.Attributes);
        }

        _writer.EndMessage(start);
    }

    /// <summary>Content key of a stack: its location indices.</summary>
    private readonly struct StackKey(int[] locations) : IEquatable<StackKey>
    {
        private readonly int[] _locations = locations;

        public bool Equals(StackKey other) => _locations.AsSpan().SequenceEqual(other._locations);

        public override bool Equals(object? obj) => obj is StackKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = default(HashCode);
            hash.AddBytes(MemoryMarshal.AsBytes(_locations.AsSpan()));
            return hash.ToHashCode();
        }
    }
}
