using Ember.Bridge.Protos.Pyroscope;
using Ember.Bridge.Sinks.Shared;
using Ember.Profiles.Otlp;
using Google.Protobuf;
using PprofCodec = Ember.Profiles.Pprof.PprofCodec;

namespace Ember.Bridge.Sinks.Pyroscope;

/// <summary>
/// Builds Pyroscope's <c>PushRequest</c> (shared/reference/servers.md §1.3): one series per pprof with
/// the labels Pyroscope requires — <c>__name__</c> (<see cref="ProfileNames"/>) and <c>service_name</c>
/// — plus <c>__delta__="false"</c> (the bridge sends delta profiles, which v1 storage must not
/// difference again) and the resource labels; each sample is the gzipped pprof with a fresh UUID.
/// CPU sample counts become CPU time (<see cref="IngestRequest.NormalizeCpu"/>) so they land in
/// <c>process_cpu:cpu:nanoseconds:cpu:nanoseconds</c>.
/// </summary>
internal static class PushRequestBuilder
{
    public static PushRequest Build(ProfilesData profiles)
    {
        var request = new PushRequest();
        foreach (var series in PprofSeriesBuilder.Build(profiles))
        {
            IngestRequest.NormalizeCpu(series.Profile);
            var raw = new RawProfileSeries();
            raw.Labels.Add(new LabelPair { Name = "__name__", Value = series.Name });
            raw.Labels.Add(new LabelPair { Name = "__delta__", Value = "false" });
            raw.Labels.AddRange(series.Labels.Select(l => new LabelPair { Name = l.Key, Value = l.Value }));
            raw.Samples.Add(new RawSample
            {
                RawProfile = ByteString.CopyFrom(PprofCodec.EncodeGzip(series.Profile)),
                ID = Guid.NewGuid().ToString(),
            });
            request.Series.Add(raw);
        }

        return request;
    }
}
