using Ember.Bridge.Protos.Parca;
using Ember.Bridge.Sinks.Shared;
using Ember.Profiles.Otlp;
using PprofCodec = Ember.Profiles.Pprof.PprofCodec;
using Google.Protobuf;

namespace Ember.Bridge.Sinks.Parca;

/// <summary>
/// Builds Parca's <c>WriteRawRequest</c> from OTLP profiles (shared/reference/servers.md §2.1): one
/// series per distinct label set — <c>__name__</c> (<see cref="ProfileNames"/>, e.g. <c>process_cpu</c>)
/// plus the resource's labels (<see cref="ResourceLabels"/>) — each carrying its gzipped pprofs.
/// Addresses stay absolute (<c>normalized=false</c>) so Parca relocates them with the mappings.
/// </summary>
internal static class WriteRawRequestBuilder
{
    public static WriteRawRequest Build(ProfilesData profiles)
    {
        var request = new WriteRawRequest { Normalized = false };
        var seriesByLabels = new Dictionary<string, RawProfileSeries>(StringComparer.Ordinal);
        foreach (var series in PprofSeriesBuilder.Build(profiles))
        {
            var labels = new LabelSet();
            labels.Labels.Add(new Label { Name = "__name__", Value = series.Name });
            labels.Labels.AddRange(series.Labels.Select(l => new Label { Name = l.Key, Value = l.Value }));
            var key = labels.ToString();
            if (!seriesByLabels.TryGetValue(key, out var raw))
            {
                raw = new RawProfileSeries { Labels = labels };
                seriesByLabels.Add(key, raw);
                request.Series.Add(raw);
            }

            raw.Samples.Add(new RawSample { RawProfile = ByteString.CopyFrom(PprofCodec.EncodeGzip(series.Profile)) });
        }

        return request;
    }
}
