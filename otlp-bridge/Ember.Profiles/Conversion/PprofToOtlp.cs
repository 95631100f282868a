using Ember.Profiles.Otlp;
using O = Ember.Profiles.Otlp;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Conversion;

/// <summary>
/// Converts a pprof profile to OTLP profiles, losslessly: <see cref="OtlpToPprof"/> restores every
/// field listed below.
/// <list type="bullet">
/// <item>One OTLP profile per pprof sample type, all in one resource/scope, each holding every sample
/// with <c>values=[value[i]]</c>; stacks, locations, functions and mappings are shared objects, so the
/// dictionary is shared. The sample type pprof shows by default (<c>default_sample_type</c>, else the
/// last one) comes first, because OTLP viewers show the first profile; the scope attribute
/// <c>pprof.scope.sample_type_order</c> records the pprof index of each profile, and
/// <c>pprof.scope.default_sample_type</c> the default type when set.</item>
/// <item>Labels become sample attributes (numeric labels become ints with their unit; a key repeated
/// in a sample becomes one array attribute). A single lowercase-hex <c>span_id</c> (16 digits) or
/// <c>trace_id</c> (32 digits) label becomes the sample's link instead.</item>
/// <item>Mapping build ID → <c>process.executable.build_id.gnu</c>; <c>has_*</c> flags, <c>is_folded</c>,
/// drop/keep frames, doc URL and comments → the <c>pprof.*</c> attributes (only when set).</item>
/// </list>
/// Locations, mappings and functions no sample reaches are not carried (OTLP has no per-profile tables).
/// </summary>
public static class PprofToOtlp
{
    /// <summary>Converts <paramref name="profile"/>; it is not modified.</summary>
    /// <exception cref="ArgumentException">A sample's value count differs from the number of sample
    /// types, or a sample holds a null location.</exception>
    public static ProfilesData Convert(P.Profile profile, PprofToOtlpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new Converter(profile, options ?? new PprofToOtlpOptions()).Run();
    }

    private sealed class Converter(P.Profile source, PprofToOtlpOptions options)
    {
        private static readonly KeyValueAndUnit HasFunctions = True(AttributeKeys.MappingHasFunctions);
        private static readonly KeyValueAndUnit HasFilenames = True(AttributeKeys.MappingHasFilenames);
        private static readonly KeyValueAndUnit HasLineNumbers = True(AttributeKeys.MappingHasLineNumbers);
        private static readonly KeyValueAndUnit HasInlineFrames = True(AttributeKeys.MappingHasInlineFrames);
        private static readonly KeyValueAndUnit IsFolded = True(AttributeKeys.LocationIsFolded);

        private readonly Dictionary<P.Function, O.Function> _functions = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<P.Mapping, O.Mapping> _mappings = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<P.Location, O.Location> _locations = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<List<P.Location>, Stack> _stacks = new(LocationSequenceComparer.Instance);
        private readonly Dictionary<P.Label, KeyValueAndUnit> _labelAttributes = [];
        private readonly Dictionary<(string Trace, string Span), Link> _links = [];
        private readonly List<KeyValueAndUnit> _sampleAttributes = [];

        public ProfilesData Run()
        {
            var order = ScopeOrder();
            var profiles = new O.Profile[order.Length];
            var profileAttributes = ProfileAttributes();
            for (var position = 0; position < order.Length; position++)
            {
                profiles[position] = NewProfile(source.SampleTypes[order[position]], profileAttributes);
            }

            if (options.OriginalPayload is { } payload && profiles.Length > 0)
            {
                profiles[0].OriginalPayloadFormat = "pprof";
                profiles[0].OriginalPayload = payload;
            }

            for (var index = 0; index < source.Samples.Count; index++)
            {
                AddSample(index, source.Samples[index], profiles, order);
            }

            var scope = new ScopeProfiles
            {
                Scope = new InstrumentationScope { Name = options.ScopeName, Version = options.ScopeVersion },
                SchemaUrl = AttributeKeys.SchemaUrl,
            };
            AddScopeAttributes(scope.Scope.Attributes, order);
            scope.Profiles.AddRange(profiles);

            var resource = new ResourceProfiles();
            resource.Resource.Attributes.AddRange(options.ResourceAttributes);
            resource.ScopeProfiles.Add(scope);

            var data = new ProfilesData();
            data.ResourceProfiles.Add(resource);
            return data;
        }

        private static KeyValueAndUnit True(string key) => new(key, AnyValue.Bool(true));

        /// <summary>pprof sample-type index of each OTLP profile: the default type first, then the rest in order.</summary>
        private int[] ScopeOrder()
        {
            var count = source.SampleTypes.Count;
            if (count == 0)
            {
                return [];
            }

            // pprof's rule: the named default type, else the last one.
            var preferred = source.SampleTypes.FindIndex(t => t.Type == source.DefaultSampleType);
            if (source.DefaultSampleType.Length == 0 || preferred < 0)
            {
                preferred = count - 1;
            }

            var order = new int[count];
            order[0] = preferred;
            var next = 1;
            for (var index = 0; index < count; index++)
            {
                if (index != preferred)
                {
                    order[next++] = index;
                }
            }

            return order;
        }

        private void AddScopeAttributes(List<KeyValue> attributes, int[] order)
        {
            if (source.DefaultSampleType.Length > 0)
            {
                attributes.Add(new KeyValue(AttributeKeys.ScopeDefaultSampleType, AnyValue.String(source.DefaultSampleType)));
            }

            if (order.Length > 0)
            {
                var indices = new AnyValue[order.Length];
                for (var position = 0; position < order.Length; position++)
                {
                    indices[position] = AnyValue.Int(order[position]);
                }

                attributes.Add(new KeyValue(AttributeKeys.ScopeSampleTypeOrder, AnyValue.Array(indices)));
            }
        }

        private List<KeyValueAndUnit> ProfileAttributes()
        {
            var attributes = new List<KeyValueAndUnit>();
            AddIfSet(attributes, AttributeKeys.ProfileDropFrames, source.DropFrames);
            AddIfSet(attributes, AttributeKeys.ProfileKeepFrames, source.KeepFrames);
            AddIfSet(attributes, AttributeKeys.ProfileDocUrl, source.DocUrl);
            if (source.Comments.Count > 0)
            {
                var comments = new AnyValue[source.Comments.Count];
                for (var index = 0; index < comments.Length; index++)
                {
                    comments[index] = AnyValue.String(source.Comments[index]);
                }

                attributes.Add(new KeyValueAndUnit(AttributeKeys.ProfileComment, AnyValue.Array(comments)));
            }

            return attributes;
        }

        private static void AddIfSet(List<KeyValueAndUnit> attributes, string key, string value)
        {
            if (value.Length > 0)
            {
                attributes.Add(KeyValueAndUnit.String(key, value));
            }
        }

        private O.Profile NewProfile(ProfileValueType sampleType, List<KeyValueAndUnit> attributes)
        {
            var profile = new O.Profile
            {
                SampleType = sampleType,
                // Unchecked casts: a (invalid) negative pprof time still round-trips bit for bit.
                TimeUnixNano = unchecked((ulong)source.TimeNanos),
                DurationNano = unchecked((ulong)source.DurationNanos),
                PeriodType = source.PeriodType,
                Period = source.Period,
            };
            profile.Samples.Capacity = source.Samples.Count;
            profile.Attributes.AddRange(attributes);
            return profile;
        }

        private void AddSample(int index, P.Sample sample, O.Profile[] profiles, int[] order)
        {
            if (sample.Values.Count != order.Length)
            {
                throw new ArgumentException(
                    $"samples[{index}] has {sample.Values.Count} values but the profile has {order.Length} sample types");
            }

            var stack = StackOf(index, sample.Locations);
            _sampleAttributes.Clear();
            var link = AddLabelAttributes(sample.Labels);
            for (var position = 0; position < profiles.Length; position++)
            {
                var converted = new O.Sample { Stack = stack, Link = link };
                converted.Attributes.AddRange(_sampleAttributes);
                converted.Values.Add(sample.Values[order[position]]);
                profiles[position].Samples.Add(converted);
            }
        }

        private Stack StackOf(int sampleIndex, List<P.Location> locations)
        {
            if (_stacks.TryGetValue(locations, out var stack))
            {
                return stack;
            }

            stack = new Stack();
            stack.Locations.Capacity = locations.Count;
            foreach (var location in locations)
            {
                if (location is null)
                {
                    throw new ArgumentException($"samples[{sampleIndex}] holds a null location");
                }

                stack.Locations.Add(LocationOf(location));
            }

            _stacks.Add(locations, stack);
            return stack;
        }

        private O.Location LocationOf(P.Location location)
        {
            if (_locations.TryGetValue(location, out var converted))
            {
                return converted;
            }

            converted = new O.Location
            {
                Mapping = location.Mapping is null ? null : MappingOf(location.Mapping),
                Address = location.Address,
            };
            foreach (var line in location.Lines)
            {
                converted.Lines.Add(new O.Line
                {
                    Function = line.Function is null ? null : FunctionOf(line.Function),
                    Number = line.Number,
                    Column = line.Column,
                });
            }

            if (location.IsFolded)
            {
                converted.Attributes.Add(IsFolded);
            }

            _locations.Add(location, converted);
            return converted;
        }

        private O.Mapping MappingOf(P.Mapping mapping)
        {
            if (_mappings.TryGetValue(mapping, out var converted))
            {
                return converted;
            }

            converted = new O.Mapping
            {
                MemoryStart = mapping.MemoryStart,
                MemoryLimit = mapping.MemoryLimit,
                FileOffset = mapping.FileOffset,
                FileName = mapping.FileName,
            };
            if (mapping.BuildId.Length > 0)
            {
                // pprof does not say which kind of build ID it holds; GNU is what Linux producers write.
                converted.Attributes.Add(KeyValueAndUnit.String(AttributeKeys.BuildIdGnu, mapping.BuildId));
            }

            AddFlag(converted.Attributes, mapping.HasFunctions, HasFunctions);
            AddFlag(converted.Attributes, mapping.HasFilenames, HasFilenames);
            AddFlag(converted.Attributes, mapping.HasLineNumbers, HasLineNumbers);
            AddFlag(converted.Attributes, mapping.HasInlineFrames, HasInlineFrames);
            _mappings.Add(mapping, converted);
            return converted;
        }

        private static void AddFlag(List<KeyValueAndUnit> attributes, bool isSet, KeyValueAndUnit attribute)
        {
            if (isSet)
            {
                attributes.Add(attribute);
            }
        }

        private O.Function FunctionOf(P.Function function)
        {
            if (!_functions.TryGetValue(function, out var converted))
            {
                converted = new O.Function
                {
                    Name = function.Name,
                    SystemName = function.SystemName,
                    FileName = function.FileName,
                    StartLine = function.StartLine,
                };
                _functions.Add(function, converted);
            }

            return converted;
        }

        /// <summary>
        /// Fills <see cref="_sampleAttributes"/> from the labels and returns the span link they carry.
        /// Keys are grouped by a quadratic scan: samples carry a handful of labels, and this avoids
        /// allocating a dictionary per sample.
        /// </summary>
        private Link? AddLabelAttributes(List<P.Label> labels)
        {
            string? traceId = null;
            string? spanId = null;
            for (var index = 0; index < labels.Count; index++)
            {
                var label = labels[index];
                if (IndexOfKey(labels, label.Key, 0) < index)
                {
                    continue; // already added with the first label of this key
                }

                if (IndexOfKey(labels, label.Key, index + 1) >= 0)
                {
                    _sampleAttributes.Add(Repeated(labels, index));
                }
                else if (label.Key == AttributeKeys.TraceIdLabel && SpanContextHex.IsLinkable(label.Str, SpanContextHex.TraceIdBytes))
                {
                    traceId = label.Str;
                }
                else if (label.Key == AttributeKeys.SpanIdLabel && SpanContextHex.IsLinkable(label.Str, SpanContextHex.SpanIdBytes))
                {
                    spanId = label.Str;
                }
                else
                {
                    _sampleAttributes.Add(Single(label));
                }
            }

            return traceId is null && spanId is null ? null : LinkOf(traceId ?? string.Empty, spanId ?? string.Empty);
        }

        private static int IndexOfKey(List<P.Label> labels, string key, int start)
        {
            for (var index = start; index < labels.Count; index++)
            {
                if (labels[index].Key == key)
                {
                    return index;
                }
            }

            return -1;
        }

        private KeyValueAndUnit Single(P.Label label)
        {
            if (!_labelAttributes.TryGetValue(label, out var attribute))
            {
                attribute = label.IsNumeric
                    ? new KeyValueAndUnit(label.Key, AnyValue.Int(label.Num), label.NumUnit)
                    : KeyValueAndUnit.String(label.Key, label.Str!);
                _labelAttributes.Add(label, attribute);
            }

            return attribute;
        }

        /// <summary>All labels of the key at <paramref name="first"/>, in order, as one array attribute.
        /// An attribute has one unit, so the first numeric label's unit stands for all of them.</summary>
        private static KeyValueAndUnit Repeated(List<P.Label> labels, int first)
        {
            var key = labels[first].Key;
            var values = new List<AnyValue>();
            string? unit = null;
            for (var index = first; index < labels.Count; index++)
            {
                var label = labels[index];
                if (label.Key != key)
                {
                    continue;
                }

                if (label.IsNumeric)
                {
                    values.Add(AnyValue.Int(label.Num));
                    unit ??= label.NumUnit;
                }
                else
                {
                    values.Add(AnyValue.String(label.Str!));
                }
            }

            return new KeyValueAndUnit(key, AnyValue.Array(values), unit ?? string.Empty);
        }

        private Link LinkOf(string traceId, string spanId)
        {
            if (!_links.TryGetValue((traceId, spanId), out var link))
            {
                link = new Link(
                    SpanContextHex.Parse(traceId, SpanContextHex.TraceIdBytes),
                    SpanContextHex.Parse(spanId, SpanContextHex.SpanIdBytes));
                _links.Add((traceId, spanId), link);
            }

            return link;
        }
    }
}
