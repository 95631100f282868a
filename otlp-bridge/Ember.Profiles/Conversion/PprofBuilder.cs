using System.Globalization;
using Ember.Profiles.Otlp;
using O = Ember.Profiles.Otlp;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Conversion;

/// <summary>
/// Builds one pprof from groups of OTLP profiles. Each group's shared samples become pprof samples
/// with one value per member; sample types are keyed by (type, unit), so groups measuring the same
/// type add to the same column, and a sample has 0 in the columns its group does not measure.
/// </summary>
internal sealed class PprofBuilder
{
    private static readonly string CommentKeyPrefix = AttributeKeys.ProfileComment + ".";

    private readonly P.Profile _profile = new();
    private readonly Dictionary<O.Function, P.Function> _functions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<O.Mapping, P.Mapping> _mappings = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<O.Location, P.Location> _locations = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Stack, P.Location[]> _stacks = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<KeyValueAndUnit, P.Label[]> _attributeLabels = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Link, P.Label[]> _linkLabels = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ProfileValueType, List<int>> _columns = [];
    private readonly TimeWindow _window = new();

    /// <summary>
    /// Adds a group's samples. Non-pprof profile attributes and <paramref name="resourceAttributes"/>
    /// become labels on every sample that has no attribute of the same key (the more specific wins).
    /// Period, <c>pprof.profile.*</c> fields and the default sample type are taken from the first
    /// group that sets them.
    /// </summary>
    public void Add(ProfileGroup group, IReadOnlyList<KeyValue> resourceAttributes)
    {
        var members = group.Members;
        var columns = ColumnsOf(members);
        foreach (var member in members)
        {
            _window.Add(member.TimeUnixNano, member.DurationNano);
            if (_profile.PeriodType is null && _profile.Period == 0)
            {
                _profile.PeriodType = member.PeriodType;
                _profile.Period = member.Period;
            }
        }

        if (_profile.DefaultSampleType.Length == 0)
        {
            _profile.DefaultSampleType = group.DefaultSampleType;
        }

        RestoreProfileFields(members[0].Attributes);
        var context = ContextLabels(members[0].Attributes, resourceAttributes);
        var first = members[0].Samples;
        for (var index = 0; index < first.Count; index++)
        {
            var sample = NewSample(first[index], context);
            for (var member = 0; member < members.Count; member++)
            {
                sample.Values[columns[member]] = members[member].Samples[index].Total;
            }

            _profile.Samples.Add(sample);
        }
    }

    /// <summary>The finished pprof; call once, after the last <see cref="Add"/>.</summary>
    public P.Profile Build()
    {
        foreach (var sample in _profile.Samples)
        {
            while (sample.Values.Count < _profile.SampleTypes.Count)
            {
                sample.Values.Add(0);
            }
        }

        SortMappings();
        _profile.TimeNanos = unchecked((long)_window.Start);
        _profile.DurationNanos = unchecked((long)_window.Duration);
        return _profile;
    }

    /// <summary>The pprof column of each member; the k-th member of a type in a group takes the k-th column of that type.</summary>
    private int[] ColumnsOf(IReadOnlyList<O.Profile> members)
    {
        var columns = new int[members.Count];
        var occurrences = new Dictionary<ProfileValueType, int>();
        for (var index = 0; index < members.Count; index++)
        {
            var type = members[index].SampleType;
            occurrences.TryGetValue(type, out var occurrence);
            occurrences[type] = occurrence + 1;
            if (!_columns.TryGetValue(type, out var typeColumns))
            {
                typeColumns = [];
                _columns.Add(type, typeColumns);
            }

            if (occurrence == typeColumns.Count)
            {
                typeColumns.Add(_profile.SampleTypes.Count);
                _profile.SampleTypes.Add(type);
            }

            columns[index] = typeColumns[occurrence];
        }

        return columns;
    }

    private P.Sample NewSample(O.Sample source, List<(string Key, P.Label[] Labels)> context)
    {
        var sample = new P.Sample();
        sample.Locations.AddRange(LocationsOf(source.Stack));
        foreach (var attribute in source.Attributes)
        {
            sample.Labels.AddRange(LabelsOf(attribute));
        }

        if (source.Link is { IsEmpty: false } link)
        {
            sample.Labels.AddRange(LabelsOf(link));
        }

        foreach (var (key, labels) in context)
        {
            if (!HasKey(source.Attributes, key))
            {
                sample.Labels.AddRange(labels);
            }
        }

        for (var column = 0; column < _profile.SampleTypes.Count; column++)
        {
            sample.Values.Add(0);
        }

        return sample;
    }

    private static bool HasKey(List<KeyValueAndUnit> attributes, string key)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Key == key)
            {
                return true;
            }
        }

        return false;
    }

    private static List<(string Key, P.Label[] Labels)> ContextLabels(
        List<KeyValueAndUnit> profileAttributes, IReadOnlyList<KeyValue> resourceAttributes)
    {
        var context = new List<(string Key, P.Label[] Labels)>();
        foreach (var attribute in profileAttributes)
        {
            if (!attribute.Key.StartsWith(AttributeKeys.PprofPrefix, StringComparison.Ordinal))
            {
                context.Add((attribute.Key, AttributeLabels.Of(attribute.Key, attribute.Value, attribute.Unit)));
            }
        }

        foreach (var attribute in resourceAttributes)
        {
            if (!context.Exists(c => c.Key == attribute.Key))
            {
                context.Add((attribute.Key, AttributeLabels.Of(attribute.Key, attribute.Value, string.Empty)));
            }
        }

        return context;
    }

    private P.Label[] LabelsOf(KeyValueAndUnit attribute)
    {
        if (!_attributeLabels.TryGetValue(attribute, out var labels))
        {
            labels = AttributeLabels.Of(attribute.Key, attribute.Value, attribute.Unit);
            _attributeLabels.Add(attribute, labels);
        }

        return labels;
    }

    private P.Label[] LabelsOf(Link link)
    {
        if (!_linkLabels.TryGetValue(link, out var labels))
        {
            var traceId = SpanContextHex.Format(link.TraceId);
            var spanId = SpanContextHex.Format(link.SpanId);
            labels = (traceId, spanId) switch
            {
                (null, null) => [],
                (null, _) => [P.Label.String(AttributeKeys.SpanIdLabel, spanId)],
                (_, null) => [P.Label.String(AttributeKeys.TraceIdLabel, traceId)],
                _ => [P.Label.String(AttributeKeys.TraceIdLabel, traceId), P.Label.String(AttributeKeys.SpanIdLabel, spanId)],
            };
            _linkLabels.Add(link, labels);
        }

        return labels;
    }

    /// <summary>Restores drop/keep frames, doc URL and comments from <c>pprof.profile.*</c>, where still unset.</summary>
    private void RestoreProfileFields(List<KeyValueAndUnit> attributes)
    {
        var restoreComments = _profile.Comments.Count == 0;
        List<(int Index, string Text)>? numberedComments = null;
        foreach (var attribute in attributes)
        {
            switch (attribute.Key)
            {
                case AttributeKeys.ProfileDropFrames when _profile.DropFrames.Length == 0:
                    _profile.DropFrames = attribute.Value.ToString();
                    break;
                case AttributeKeys.ProfileKeepFrames when _profile.KeepFrames.Length == 0:
                    _profile.KeepFrames = attribute.Value.ToString();
                    break;
                case AttributeKeys.ProfileDocUrl when _profile.DocUrl.Length == 0:
                    _profile.DocUrl = attribute.Value.ToString();
                    break;
                case AttributeKeys.ProfileComment when restoreComments:
                    AddComments(attribute.Value);
                    break;
                default:
                    // The contrib translator writes one pprof.profile.comment.<i> string per comment.
                    if (restoreComments
                        && attribute.Key.StartsWith(CommentKeyPrefix, StringComparison.Ordinal)
                        && int.TryParse(attribute.Key.AsSpan(CommentKeyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                    {
                        (numberedComments ??= []).Add((number, attribute.Value.ToString()));
                    }

                    break;
            }
        }

        if (numberedComments is not null && _profile.Comments.Count == 0)
        {
            numberedComments.Sort();
            foreach (var (_, text) in numberedComments)
            {
                _profile.Comments.Add(text);
            }
        }
    }

    private void AddComments(AnyValue value)
    {
        if (value.ArrayValue is { } comments)
        {
            foreach (var comment in comments)
            {
                _profile.Comments.Add(comment.ToString());
            }
        }
        else
        {
            _profile.Comments.Add(value.ToString());
        }
    }

    private P.Location[] LocationsOf(Stack stack)
    {
        if (!_stacks.TryGetValue(stack, out var locations))
        {
            locations = new P.Location[stack.Locations.Count];
            for (var index = 0; index < locations.Length; index++)
            {
                locations[index] = LocationOf(stack.Locations[index]);
            }

            _stacks.Add(stack, locations);
        }

        return locations;
    }

    private P.Location LocationOf(O.Location location)
    {
        if (_locations.TryGetValue(location, out var converted))
        {
            return converted;
        }

        converted = new P.Location
        {
            Mapping = location.Mapping is null ? null : MappingOf(location.Mapping),
            Address = location.Address,
            IsFolded = IsTrue(location.Attributes, AttributeKeys.LocationIsFolded),
        };
        foreach (var line in location.Lines)
        {
            converted.Lines.Add(new P.Line
            {
                Function = line.Function is null ? null : FunctionOf(line.Function),
                Number = line.Number,
                Column = line.Column,
            });
        }

        _locations.Add(location, converted);
        _profile.Locations.Add(converted);
        return converted;
    }

    private P.Mapping MappingOf(O.Mapping mapping)
    {
        if (_mappings.TryGetValue(mapping, out var converted))
        {
            return converted;
        }

        var attributes = mapping.Attributes;
        converted = new P.Mapping
        {
            MemoryStart = mapping.MemoryStart,
            MemoryLimit = mapping.MemoryLimit,
            FileOffset = mapping.FileOffset,
            FileName = mapping.FileName,
            BuildId = StringOf(attributes, AttributeKeys.BuildIdGnu)
                ?? StringOf(attributes, AttributeKeys.BuildIdGo)
                ?? StringOf(attributes, AttributeKeys.BuildIdHtlhash)
                ?? string.Empty,
            HasFunctions = IsTrue(attributes, AttributeKeys.MappingHasFunctions),
            HasFilenames = IsTrue(attributes, AttributeKeys.MappingHasFilenames),
            HasLineNumbers = IsTrue(attributes, AttributeKeys.MappingHasLineNumbers),
            HasInlineFrames = IsTrue(attributes, AttributeKeys.MappingHasInlineFrames),
        };
        _mappings.Add(mapping, converted);
        _profile.Mappings.Add(converted);
        return converted;
    }

    private P.Function FunctionOf(O.Function function)
    {
        if (!_functions.TryGetValue(function, out var converted))
        {
            converted = new P.Function
            {
                Name = function.Name,
                SystemName = function.SystemName,
                FileName = function.FileName,
                StartLine = function.StartLine,
            };
            _functions.Add(function, converted);
            _profile.Functions.Add(converted);
        }

        return converted;
    }

    private static string? StringOf(List<KeyValueAndUnit> attributes, string key)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Key == key && attribute.Value.Kind == AnyValueKind.String && attribute.Value.StringValue!.Length > 0)
            {
                return attribute.Value.StringValue;
            }
        }

        return null;
    }

    private static bool IsTrue(List<KeyValueAndUnit> attributes, string key)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Key == key)
            {
                return attribute.Value.BoolValue;
            }
        }

        return false;
    }

    /// <summary>
    /// pprof convention puts the main binary first; OTLP keeps no order, so order by address (the
    /// main executable sits below shared libraries, vdso and the kernel), mappings without a range last.
    /// </summary>
    private void SortMappings()
    {
        var mappings = new (P.Mapping Mapping, int Seen)[_profile.Mappings.Count];
        for (var index = 0; index < mappings.Length; index++)
        {
            mappings[index] = (_profile.Mappings[index], index);
        }

        Array.Sort(mappings, static (a, b) =>
        {
            var byRange = HasNoRange(a.Mapping).CompareTo(HasNoRange(b.Mapping));
            if (byRange != 0)
            {
                return byRange;
            }

            var byStart = a.Mapping.MemoryStart.CompareTo(b.Mapping.MemoryStart);
            return byStart != 0 ? byStart : a.Seen.CompareTo(b.Seen);
        });
        _profile.Mappings.Clear();
        foreach (var (mapping, _) in mappings)
        {
            _profile.Mappings.Add(mapping);
        }
    }

    private static bool HasNoRange(P.Mapping mapping) => mapping.MemoryStart == 0 && mapping.MemoryLimit == 0;

    /// <summary>
    /// The window covering all profiles: from the earliest start to the latest end. Profiles without a
    /// start time (0) only contribute their duration when no profile has one.
    /// </summary>
    private sealed class TimeWindow
    {
        private bool _timed;
        private ulong _end;
        private ulong _untimedDuration;

        public ulong Start { get; private set; }

        public ulong Duration => _timed ? unchecked(_end - Start) : _untimedDuration;

        public void Add(ulong start, ulong duration)
        {
            if (start == 0)
            {
                _untimedDuration = Math.Max(_untimedDuration, duration);
                return;
            }

            // Unchecked: a pprof with a negative duration must come back unchanged.
            var end = unchecked(start + duration);
            if (!_timed)
            {
                (_timed, Start, _end) = (true, start, end);
                return;
            }

            Start = Math.Min(Start, start);
            _end = Math.Max(_end, end);
        }
    }
}
