using System.Globalization;
using Ember.Profiles.Otlp;

namespace Ember.Profiles.Validation;

/// <summary>
/// Checks OTLP profiles against the MUST rules of <c>profiles.proto</c> (v1.10/v1.11), reporting every
/// violation. Objects shared through the dictionary (stacks, locations, mappings, functions) are
/// checked once, at the first path that reaches them.
/// </summary>
public static class OtlpValidator
{
    /// <summary>
    /// Every violation in <paramref name="data"/>; empty when it is valid. Rules: each sample has at
    /// least one value or timestamp, and equally many of both when it has both; all samples of a
    /// profile have the same shape (values only, timestamps only, or both); timestamps lie in
    /// [time, time + duration) when the duration is non-zero; attribute keys are unique within each
    /// resource, scope, profile, sample, location and mapping; a link has a 16-byte trace ID and an
    /// 8-byte span ID; a profile ID is empty or 16 bytes not all zero; the original payload and its
    /// format are set together; a period type is set when the period is non-zero; a function has a
    /// name, system name or file name. A mapping without a build-id attribute is only a SHOULD and is
    /// not reported.
    /// </summary>
    public static IReadOnlyList<ValidationError> Validate(ProfilesData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new Checker().Run(data);
    }

    /// <summary>
    /// Every violation that makes one profile of <paramref name="data"/> invalid, checked where it sits:
    /// the rules of <see cref="Validate"/> for the profile and for the resource and scope that carry it,
    /// with paths into <paramref name="data"/> as the client sent it. Stacks, locations, mappings and
    /// functions the profile shares with others are checked for it again, so each profile stands or
    /// falls on its own (OTLP partial success).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index does not name a profile of <paramref name="data"/>.</exception>
    public static IReadOnlyList<ValidationError> ValidateProfile(ProfilesData data, int resourceIndex, int scopeIndex, int profileIndex)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new Checker().RunOne(data, resourceIndex, scopeIndex, profileIndex);
    }

    /// <summary>How a sample records its observations.</summary>
    private enum Shape
    {
        None,
        ValuesOnly,
        TimestampsOnly,
        ValuesAndTimestamps,
    }

    private sealed class Checker
    {
        private readonly List<ValidationError> _errors = [];
        private readonly HashSet<Stack> _stacks = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<Location> _locations = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<Mapping> _mappings = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<Function> _functions = new(ReferenceEqualityComparer.Instance);

        public List<ValidationError> Run(ProfilesData data)
        {
            for (var r = 0; r < data.ResourceProfiles.Count; r++)
            {
                var resource = data.ResourceProfiles[r];
                CheckUniqueKeys(resource.Resource.Attributes, ResourcePath(r) + ".resource.attributes");
                for (var s = 0; s < resource.ScopeProfiles.Count; s++)
                {
                    var scope = resource.ScopeProfiles[s];
                    CheckUniqueKeys(scope.Scope.Attributes, ScopePath(r, s) + ".scope.attributes");
                    for (var p = 0; p < scope.Profiles.Count; p++)
                    {
                        CheckProfile(scope.Profiles[p], ProfilePath(r, s, p));
                    }
                }
            }

            return _errors;
        }

        public List<ValidationError> RunOne(ProfilesData data, int r, int s, int p)
        {
            var resource = data.ResourceProfiles[r];
            var scope = resource.ScopeProfiles[s];
            CheckUniqueKeys(resource.Resource.Attributes, ResourcePath(r) + ".resource.attributes");
            CheckUniqueKeys(scope.Scope.Attributes, ScopePath(r, s) + ".scope.attributes");
            CheckProfile(scope.Profiles[p], ProfilePath(r, s, p));
            return _errors;
        }

        private static string ResourcePath(int r) => Indexed("resourceProfiles", r);

        private static string ScopePath(int r, int s) => Indexed(ResourcePath(r) + ".scopeProfiles", s);

        private static string ProfilePath(int r, int s, int p) => Indexed(ScopePath(r, s) + ".profiles", p);

        private void Report(string path, string message) => _errors.Add(new ValidationError(path, message));

        private static string Indexed(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

        private void CheckProfile(Profile profile, string path)
        {
            if (profile.ProfileId.Length != 0
                && (profile.ProfileId.Length != 16 || !profile.ProfileId.AsSpan().ContainsAnyExcept((byte)0)))
            {
                Report(path + ".profileId", $"a profile ID must be empty or 16 bytes not all zero; it has {profile.ProfileId.Length} bytes{(profile.ProfileId.Length == 16 ? ", all zero" : string.Empty)}");
            }

            var hasFormat = profile.OriginalPayloadFormat.Length > 0;
            var hasPayload = profile.OriginalPayload.Length > 0;
            if (hasFormat && !hasPayload)
            {
                Report(path + ".originalPayload", $"the original payload format is '{profile.OriginalPayloadFormat}' but there is no original payload");
            }
            else if (hasPayload && !hasFormat)
            {
                Report(path + ".originalPayloadFormat", "an original payload is set without its format");
            }

            if (profile.Period != 0 && profile.PeriodType is null)
            {
                Report(path + ".periodType", "a period is set but no period type says what it counts");
            }

            CheckUniqueKeys(profile.Attributes, path + ".attributes");
            var firstShape = Shape.None;
            var firstShapeIndex = -1;
            for (var index = 0; index < profile.Samples.Count; index++)
            {
                var shape = CheckSample(profile, index, path);
                if (shape == Shape.None)
                {
                    continue;
                }

                if (firstShape == Shape.None)
                {
                    (firstShape, firstShapeIndex) = (shape, index);
                }
                else if (shape != firstShape)
                {
                    Report(Indexed(path + ".samples", index),
                        $"the sample has {Describe(shape)} but samples[{firstShapeIndex}] has {Describe(firstShape)}; all samples of a profile must have the same shape");
                }
            }
        }

        private static string Describe(Shape shape) => shape switch
        {
            Shape.ValuesOnly => "values only",
            Shape.TimestampsOnly => "timestamps only",
            _ => "values and timestamps",
        };

        /// <summary>Checks one sample and returns its shape (None when it has no observation).</summary>
        private Shape CheckSample(Profile profile, int index, string profilePath)
        {
            var sample = profile.Samples[index];
            if (sample is null)
            {
                Report(Indexed(profilePath + ".samples", index), "is null");
                return Shape.None;
            }

            var values = sample.Values.Count;
            var timestamps = sample.TimestampsUnixNano.Count;
            if (values == 0 && timestamps == 0)
            {
                Report(Indexed(profilePath + ".samples", index), "the sample has neither values nor timestamps");
            }
            else if (values > 0 && timestamps > 0 && values != timestamps)
            {
                Report(Indexed(profilePath + ".samples", index) + ".timestampsUnixNano",
                    $"{timestamps} timestamps but {values} values; when both are present they must pair up");
            }

            CheckTimestamps(profile, sample, index, profilePath);
            if (HasDuplicateKey(sample.Attributes))
            {
                CheckUniqueKeys(sample.Attributes, Indexed(profilePath + ".samples", index) + ".attributes");
            }

            if (sample.Link is { } link)
            {
                CheckLink(link, index, profilePath);
            }

            CheckStack(sample.Stack, index, profilePath);
            return (values > 0, timestamps > 0) switch
            {
                (true, true) => Shape.ValuesAndTimestamps,
                (true, false) => Shape.ValuesOnly,
                (false, true) => Shape.TimestampsOnly,
                _ => Shape.None,
            };
        }

        private void CheckTimestamps(Profile profile, Sample sample, int index, string profilePath)
        {
            if (profile.DurationNano == 0)
            {
                return;
            }

            for (var position = 0; position < sample.TimestampsUnixNano.Count; position++)
            {
                var timestamp = sample.TimestampsUnixNano[position];
                // Subtraction instead of time + duration, which could overflow.
                if (timestamp < profile.TimeUnixNano || timestamp - profile.TimeUnixNano >= profile.DurationNano)
                {
                    Report(Indexed(Indexed(profilePath + ".samples", index) + ".timestampsUnixNano", position),
                        $"timestamp {timestamp} is outside the profile's window [{profile.TimeUnixNano}, {profile.TimeUnixNano} + {profile.DurationNano})");
                }
            }
        }

        private void CheckLink(Link link, int index, string profilePath)
        {
            if (link.TraceId.Length != 16)
            {
                Report(Indexed(profilePath + ".samples", index) + ".link.traceId", $"a trace ID must be 16 bytes; it has {link.TraceId.Length}");
            }

            if (link.SpanId.Length != 8)
            {
                Report(Indexed(profilePath + ".samples", index) + ".link.spanId", $"a span ID must be 8 bytes; it has {link.SpanId.Length}");
            }
        }

        private void CheckStack(Stack? stack, int index, string profilePath)
        {
            if (stack is null)
            {
                Report(Indexed(profilePath + ".samples", index) + ".stack", "is null");
                return;
            }

            if (!_stacks.Add(stack))
            {
                return; // a shared stack was checked where it was first reached
            }

            for (var position = 0; position < stack.Locations.Count; position++)
            {
                var location = stack.Locations[position];
                if (location is null)
                {
                    Report(Indexed(Indexed(profilePath + ".samples", index) + ".stack.locations", position), "is null");
                }
                else if (_locations.Add(location))
                {
                    CheckLocation(location, Indexed(Indexed(profilePath + ".samples", index) + ".stack.locations", position));
                }
            }
        }

        private void CheckLocation(Location location, string path)
        {
            CheckUniqueKeys(location.Attributes, path + ".attributes");
            if (location.Mapping is { } mapping && _mappings.Add(mapping))
            {
                CheckUniqueKeys(mapping.Attributes, path + ".mapping.attributes");
            }

            for (var index = 0; index < location.Lines.Count; index++)
            {
                var line = location.Lines[index];
                if (line is null)
                {
                    Report(Indexed(path + ".lines", index), "is null");
                }
                else if (line.Function is { } function && _functions.Add(function)
                    && function.Name.Length == 0 && function.SystemName.Length == 0 && function.FileName.Length == 0)
                {
                    Report(Indexed(path + ".lines", index) + ".function", "a function needs a name, a system name or a file name");
                }
            }
        }

        /// <summary>Quadratic, allocation-free: attribute lists are short, and this runs for every sample.</summary>
        private static bool HasDuplicateKey(List<KeyValueAndUnit> attributes)
        {
            for (var i = 1; i < attributes.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (attributes[i].Key == attributes[j].Key)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private void CheckUniqueKeys(List<KeyValueAndUnit> attributes, string path)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var index = 0; index < attributes.Count; index++)
            {
                if (!seen.Add(attributes[index].Key))
                {
                    Report(Indexed(path, index), $"duplicate key '{attributes[index].Key}'; keys must be unique");
                }
            }
        }

        private void CheckUniqueKeys(List<KeyValue> attributes, string path)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var index = 0; index < attributes.Count; index++)
            {
                if (!seen.Add(attributes[index].Key))
                {
                    Report(Indexed(path, index), $"duplicate key '{attributes[index].Key}'; keys must be unique");
                }
            }
        }
    }
}
