using System.Globalization;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Validation;

/// <summary>
/// Checks a pprof profile against the rules of google/pprof's <c>CheckValid</c> and the comments of
/// <c>profile.proto</c>, reporting every violation.
/// </summary>
public static class PprofValidator
{
    /// <summary>
    /// Every violation in <paramref name="profile"/>; empty when it is valid. Rules: sample types
    /// present when there are samples; one value per sample type in each sample; no null entries;
    /// locations reachable from samples listed in <see cref="P.Profile.Locations"/>, their mappings in
    /// <see cref="P.Profile.Mappings"/> and functions in <see cref="P.Profile.Functions"/>; a mapping's
    /// start not above its limit; a non-zero address inside its mapping's range [start, limit) when
    /// the mapping has one; labels string xor numeric with a non-empty key; a period type when the
    /// period is non-zero; the default sample type naming a sample type; no negative duration.
    /// </summary>
    public static IReadOnlyList<ValidationError> Validate(P.Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new Checker(profile).Run();
    }

    private sealed class Checker(P.Profile profile)
    {
        private readonly List<ValidationError> _errors = [];
        private readonly HashSet<P.Mapping> _mappings = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<P.Function> _functions = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<P.Location> _locations = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<P.Location> _unlistedReported = new(ReferenceEqualityComparer.Instance);

        public List<ValidationError> Run()
        {
            CheckHeader();
            CheckMappings();
            ListNonNull(profile.Functions, _functions, "functions");
            ListNonNull(profile.Locations, _locations, "locations");
            for (var index = 0; index < profile.Locations.Count; index++)
            {
                if (profile.Locations[index] is { } location)
                {
                    CheckLocation(location, Indexed("locations", index));
                }
            }

            for (var index = 0; index < profile.Samples.Count; index++)
            {
                CheckSample(index, profile.Samples[index]);
            }

            return _errors;
        }

        private void Report(string path, string message) => _errors.Add(new ValidationError(path, message));

        private static string Indexed(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

        private static string SamplePath(int index) => Indexed("samples", index);

        private static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

        private void CheckHeader()
        {
            if (profile.Samples.Count > 0 && profile.SampleTypes.Count == 0)
            {
                Report("sampleTypes", "the profile has samples but no sample types");
            }

            for (var index = 0; index < profile.SampleTypes.Count; index++)
            {
                if (profile.SampleTypes[index] is null)
                {
                    Report(Indexed("sampleTypes", index), "is null");
                }
            }

            if (profile.Period != 0 && profile.PeriodType is null)
            {
                Report("periodType", "a period is set but no period type says what it counts");
            }

            if (profile.DefaultSampleType.Length > 0 && !profile.SampleTypes.Exists(t => t?.Type == profile.DefaultSampleType))
            {
                Report("defaultSampleType", $"'{profile.DefaultSampleType}' is not the type of any sample type");
            }

            if (profile.DurationNanos < 0)
            {
                Report("durationNanos", $"duration {profile.DurationNanos} is negative");
            }
        }

        private void CheckMappings()
        {
            ListNonNull(profile.Mappings, _mappings, "mappings");
            for (var index = 0; index < profile.Mappings.Count; index++)
            {
                if (profile.Mappings[index] is { } mapping && mapping.MemoryStart > mapping.MemoryLimit)
                {
                    Report(Indexed("mappings", index),
                        $"memory start {Hex(mapping.MemoryStart)} is above memory limit {Hex(mapping.MemoryLimit)}");
                }
            }
        }

        private void ListNonNull<T>(List<T> items, HashSet<T> listed, string path)
        {
            for (var index = 0; index < items.Count; index++)
            {
                if (items[index] is null)
                {
                    Report(Indexed(path, index), "is null");
                }
                else
                {
                    listed.Add(items[index]);
                }
            }
        }

        private void CheckLocation(P.Location location, string path)
        {
            if (location.Mapping is { } mapping)
            {
                if (!_mappings.Contains(mapping))
                {
                    Report(path + ".mapping", "the mapping is not listed in mappings");
                }

                // pprof tolerates address 0 (unknown) and mappings without a range.
                var hasRange = mapping.MemoryLimit > mapping.MemoryStart;
                if (hasRange && location.Address != 0
                    && (location.Address < mapping.MemoryStart || location.Address >= mapping.MemoryLimit))
                {
                    Report(path + ".address",
                        $"address {Hex(location.Address)} is outside its mapping [{Hex(mapping.MemoryStart)}, {Hex(mapping.MemoryLimit)})");
                }
            }

            for (var index = 0; index < location.Lines.Count; index++)
            {
                var line = location.Lines[index];
                if (line is null)
                {
                    Report(Indexed(path + ".lines", index), "is null");
                }
                else if (line.Function is { } function && !_functions.Contains(function))
                {
                    Report(Indexed(path + ".lines", index) + ".function", "the function is not listed in functions");
                }
            }
        }

        private void CheckSample(int index, P.Sample? sample)
        {
            if (sample is null)
            {
                Report(SamplePath(index), "is null");
                return;
            }

            // Without sample types every sample would mismatch; the missing types are reported once.
            if (profile.SampleTypes.Count > 0 && sample.Values.Count != profile.SampleTypes.Count)
            {
                Report(SamplePath(index) + ".values",
                    $"has {sample.Values.Count} values but the profile has {profile.SampleTypes.Count} sample types");
            }

            for (var position = 0; position < sample.Locations.Count; position++)
            {
                var location = sample.Locations[position];
                if (location is null)
                {
                    Report(Indexed(SamplePath(index) + ".locations", position), "is null");
                }
                else if (!_locations.Contains(location) && _unlistedReported.Add(location))
                {
                    var path = Indexed(SamplePath(index) + ".locations", position);
                    Report(path, "the location is not listed in locations");
                    CheckLocation(location, path);
                }
            }

            for (var position = 0; position < sample.Labels.Count; position++)
            {
                CheckLabel(index, position, sample.Labels[position]);
            }
        }

        private void CheckLabel(int sample, int position, P.Label? label)
        {
            if (label is null)
            {
                Report(Indexed(SamplePath(sample) + ".labels", position), "is null");
                return;
            }

            if (string.IsNullOrEmpty(label.Key))
            {
                Report(Indexed(SamplePath(sample) + ".labels", position) + ".key", "the label key is empty");
            }

            if (!label.IsNumeric && (label.Num != 0 || !string.IsNullOrEmpty(label.NumUnit)))
            {
                Report(Indexed(SamplePath(sample) + ".labels", position),
                    $"label '{label.Key}' has a string value and a numeric value or unit; it must be one or the other");
            }
        }
    }
}
