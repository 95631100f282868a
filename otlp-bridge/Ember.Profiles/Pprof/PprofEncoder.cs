using Ember.Profiles.Protobuf;
using static Ember.Profiles.Pprof.PprofFields;

namespace Ember.Profiles.Pprof;

/// <summary>
/// Encodes the object model as perftools.profiles.Profile. IDs are assigned 1..n in list order
/// (objects reachable from samples but missing from the lists are appended), strings are interned
/// in first-use order with "" at index 0, and fields are written in field-number order: the same
/// model always yields the same bytes.
/// </summary>
internal sealed class PprofEncoder
{
    private readonly Profile _profile;
    private readonly ProtoWriter _writer;
    private readonly Dictionary<string, long> _strings = new(StringComparer.Ordinal) { [string.Empty] = 0 };
    private readonly List<string> _stringTable = [string.Empty];
    private readonly Dictionary<Mapping, ulong> _mappingIds = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Location, ulong> _locationIds = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Function, ulong> _functionIds = new(ReferenceEqualityComparer.Instance);
    private readonly List<Mapping> _mappings = [];
    private readonly List<Location> _locations = [];
    private readonly List<Function> _functions = [];
    private readonly List<long> _scratch = [];

    private PprofEncoder(Profile profile)
    {
        _profile = profile;
        _writer = new ProtoWriter(EstimateSize(profile));
    }

    public static byte[] Encode(Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new PprofEncoder(profile).Encode();
    }

    private static int EstimateSize(Profile profile) =>
        (int)Math.Min(1 << 26, 64 + (profile.Samples.Count * 48L) + (profile.Locations.Count * 32L) + (profile.Functions.Count * 64L));

    private byte[] Encode()
    {
        foreach (var mapping in _profile.Mappings)
        {
            Id(_mappingIds, _mappings, mapping);
        }

        foreach (var location in _profile.Locations)
        {
            Id(_locationIds, _locations, location);
        }

        foreach (var function in _profile.Functions)
        {
            Id(_functionIds, _functions, function);
        }

        foreach (var type in _profile.SampleTypes)
        {
            WriteValueType(ProfileSampleType, type);
        }

        foreach (var sample in _profile.Samples)
        {
            WriteSample(sample);
        }

        // Locations reachable from samples are known now; their mappings and functions next.
        foreach (var location in _locations)
        {
            if (location.Mapping is { } mapping)
            {
                Id(_mappingIds, _mappings, mapping);
            }

            foreach (var line in location.Lines)
            {
                if (line.Function is { } function)
                {
                    Id(_functionIds, _functions, function);
                }
            }
        }

        foreach (var mapping in _mappings)
        {
            WriteMapping(mapping);
        }

        for (var i = 0; i < _locations.Count; i++)
        {
            WriteLocation(_locations[i], (ulong)i + 1);
        }

        for (var i = 0; i < _functions.Count; i++)
        {
            WriteFunction(_functions[i], (ulong)i + 1);
        }

        // Everything after the string table refers to strings; intern them before writing it.
        var dropFrames = Intern(_profile.DropFrames);
        var keepFrames = Intern(_profile.KeepFrames);
        var periodType = _profile.PeriodType is { } pt ? (Intern(pt.Type), Intern(pt.Unit)) : default((long, long)?);
        _scratch.Clear();
        foreach (var comment in _profile.Comments)
        {
            _scratch.Add(Intern(comment));
        }

        var defaultSampleType = Intern(_profile.DefaultSampleType);
        var docUrl = Intern(_profile.DocUrl);

        foreach (var text in _stringTable)
        {
            _writer.StringAlways(ProfileStringTable, text);
        }

        _writer.Int64Field(ProfileDropFrames, dropFrames);
        _writer.Int64Field(ProfileKeepFrames, keepFrames);
        _writer.Int64Field(ProfileTimeNanos, _profile.TimeNanos);
        _writer.Int64Field(ProfileDurationNanos, _profile.DurationNanos);
        if (periodType is var (typeIndex, unitIndex))
        {
            var start = _writer.BeginMessage(ProfilePeriodType);
            _writer.Int64Field(ValueTypeType, typeIndex);
            _writer.Int64Field(ValueTypeUnit, unitIndex);
            _writer.EndMessage(start);
        }

        _writer.Int64Field(ProfilePeriod, _profile.Period);
        _writer.PackedInt64s(ProfileComment, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_scratch));
        _writer.Int64Field(ProfileDefaultSampleType, defaultSampleType);
        _writer.Int64Field(ProfileDocUrl, docUrl);
        return _writer.ToArray();
    }

    private static ulong Id<T>(Dictionary<T, ulong> ids, List<T> order, T item)
        where T : class
    {
        if (!ids.TryGetValue(item, out var id))
        {
            order.Add(item);
            id = (ulong)order.Count;
            ids.Add(item, id);
        }

        return id;
    }

    private long Intern(string text)
    {
        if (!_strings.TryGetValue(text, out var index))
        {
            index = _stringTable.Count;
            _stringTable.Add(text);
            _strings.Add(text, index);
        }

        return index;
    }

    private void WriteValueType(int field, ProfileValueType type)
    {
        var start = _writer.BeginMessage(field);
        _writer.Int64Field(ValueTypeType, Intern(type.Type));
        _writer.Int64Field(ValueTypeUnit, Intern(type.Unit));
        _writer.EndMessage(start);
    }

    private void WriteSample(Sample sample)
    {
        var start = _writer.BeginMessage(ProfileSample);
        if (sample.Locations.Count > 0)
        {
            var packed = _writer.BeginMessage(SampleLocationId);
            foreach (var location in sample.Locations)
            {
                _writer.Varint(Id(_locationIds, _locations, location));
            }

            _writer.EndMessage(packed);
        }

        _writer.PackedInt64s(SampleValue, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sample.Values));
        foreach (var label in sample.Labels)
        {
            var labelStart = _writer.BeginMessage(SampleLabel);
            _writer.Int64Field(LabelKey, Intern(label.Key));
            if (label.Str is { } str)
            {
                _writer.Int64Field(LabelStr, Intern(str));
            }
            else
            {
                _writer.Int64Field(LabelNum, label.Num);
                _writer.Int64Field(LabelNumUnit, Intern(label.NumUnit));
            }

            _writer.EndMessage(labelStart);
        }

        _writer.EndMessage(start);
    }

    private void WriteMapping(Mapping mapping)
    {
        var start = _writer.BeginMessage(ProfileMapping);
        _writer.VarintField(MappingId, _mappingIds[mapping]);
        _writer.VarintField(MappingMemoryStart, mapping.MemoryStart);
        _writer.VarintField(MappingMemoryLimit, mapping.MemoryLimit);
        _writer.VarintField(MappingFileOffset, mapping.FileOffset);
        _writer.Int64Field(MappingFilename, Intern(mapping.FileName));
        _writer.Int64Field(MappingBuildId, Intern(mapping.BuildId));
        _writer.BoolField(MappingHasFunctions, mapping.HasFunctions);
        _writer.BoolField(MappingHasFilenames, mapping.HasFilenames);
        _writer.BoolField(MappingHasLineNumbers, mapping.HasLineNumbers);
        _writer.BoolField(MappingHasInlineFrames, mapping.HasInlineFrames);
        _writer.EndMessage(start);
    }

    private void WriteLocation(Location location, ulong id)
    {
        var start = _writer.BeginMessage(ProfileLocation);
        _writer.VarintField(LocationId, id);
        if (location.Mapping is { } mapping)
        {
            _writer.VarintField(LocationMappingId, _mappingIds[mapping]);
        }

        _writer.VarintField(LocationAddress, location.Address);
        foreach (var line in location.Lines)
        {
            var lineStart = _writer.BeginMessage(LocationLine);
            if (line.Function is { } function)
            {
                _writer.VarintField(LineFunctionId, _functionIds[function]);
            }

            _writer.Int64Field(LineLine, line.Number);
            _writer.Int64Field(LineColumn, line.Column);
            _writer.EndMessage(lineStart);
        }

        _writer.BoolField(LocationIsFolded, location.IsFolded);
        _writer.EndMessage(start);
    }

    private void WriteFunction(Function function, ulong id)
    {
        var start = _writer.BeginMessage(ProfileFunction);
        _writer.VarintField(FunctionId, id);
        _writer.Int64Field(FunctionName, Intern(function.Name));
        _writer.Int64Field(FunctionSystemName, Intern(function.SystemName));
        _writer.Int64Field(FunctionFilename, Intern(function.FileName));
        _writer.Int64Field(FunctionStartLine, function.StartLine);
        _writer.EndMessage(start);
    }
}
