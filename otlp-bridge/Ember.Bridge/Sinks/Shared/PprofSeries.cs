using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using P = Ember.Profiles.Pprof;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>One pprof to push with its series labels.</summary>
/// <param name="Name">Profile name (<c>__name__</c>), see <see cref="ProfileNames"/>.</param>
/// <param name="ServiceName">The resource's service name (also the <c>service_name</c> label).</param>
/// <param name="Labels">Series labels: <c>service_name</c> first, then resource attributes (no <c>__name__</c>).</param>
/// <param name="Profile">The pprof.</param>
public sealed record PprofSeries(string Name, string ServiceName, IReadOnlyList<KeyValuePair<string, string>> Labels, P.Profile Profile);

/// <summary>
/// Splits OTLP profiles into pprof series for pprof-based backends: one pprof per resource and
/// profile group (<see cref="OtlpToPprof.Convert"/>), labelled with <see cref="ResourceLabels"/>.
/// </summary>
public static class PprofSeriesBuilder
{
    /// <summary>The series, in resource and profile order; empty resources give none.</summary>
    public static List<PprofSeries> Build(ProfilesData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var result = new List<PprofSeries>();
        foreach (var resource in data.ResourceProfiles)
        {
            // Convert one resource at a time so each pprof keeps to one process's labels.
            var single = new ProfilesData();
            single.ResourceProfiles.Add(resource);
            var labels = ResourceLabels.For(resource.Resource);
            var service = ResourceLabels.ServiceName(resource.Resource);
            foreach (var profile in OtlpToPprof.Convert(single))
            {
                if (profile.Samples.Count > 0)
                {
                    result.Add(new PprofSeries(ProfileNames.For(profile), service, labels, profile));
                }
            }
        }

        return result;
    }
}
