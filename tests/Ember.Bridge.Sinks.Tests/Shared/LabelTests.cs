using Ember.Bridge.Sinks.Shared;
using Ember.Profiles;
using Ember.Profiles.Otlp;
using P = Ember.Profiles.Pprof;

namespace Ember.Bridge.Sinks.Tests.Shared;

public sealed class LabelTests
{
    [Theory]
    [InlineData("k8s.pod.name", "k8s_pod_name")]
    [InlineData("container.id", "container_id")]
    [InlineData("http-route/v2", "http_route_v2")]
    [InlineData("1st.thing", "_1st_thing")]
    [InlineData("naïve", "na_ve")]
    [InlineData("ok_Name9", "ok_Name9")]
    public void Label_names_follow_prometheus_rules(string key, string expected) => Assert.Equal(expected, LabelNames.Sanitize(key));

    [Fact]
    public void An_empty_key_has_no_label_name() => Assert.Null(LabelNames.Sanitize(""));

    [Theory]
    [InlineData("checkout", "app", "checkout")]
    [InlineData("", "app", "app")]
    [InlineData(null, "app", "app")]
    [InlineData(null, null, "unknown_service")]
    public void Service_name_falls_back_to_the_executable_then_unknown_service(string? service, string? executable, string expected)
    {
        var resource = new Resource();
        if (service is not null)
        {
            resource.Attributes.Add(new KeyValue("service.name", AnyValue.String(service)));
        }

        if (executable is not null)
        {
            resource.Attributes.Add(new KeyValue("process.executable.name", AnyValue.String(executable)));
        }

        Assert.Equal(expected, ResourceLabels.ServiceName(resource));
        Assert.Equal(("service_name", expected), ResourceLabels.For(resource).Select(l => (l.Key, l.Value)).First());
    }

    [Fact]
    public void Resource_labels_keep_scalars_first_name_wins_and_skip_reserved_and_empty()
    {
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue("service.name", AnyValue.String("svc")));
        resource.Attributes.Add(new KeyValue("k8s.pod.name", AnyValue.String("pod-1")));
        resource.Attributes.Add(new KeyValue("k8s_pod_name", AnyValue.String("collides")));
        resource.Attributes.Add(new KeyValue("process.pid", AnyValue.Int(7)));
        resource.Attributes.Add(new KeyValue("debug", AnyValue.Bool(true)));
        resource.Attributes.Add(new KeyValue("__internal", AnyValue.String("x")));
        resource.Attributes.Add(new KeyValue("empty", AnyValue.String("")));
        resource.Attributes.Add(new KeyValue("list", AnyValue.Array([AnyValue.String("a")])));

        Assert.Equal(
            [("service_name", "svc"), ("k8s_pod_name", "pod-1"), ("process_pid", "7"), ("debug", "true")],
            ResourceLabels.For(resource).Select(l => (l.Key, l.Value)));
    }

    [Fact]
    public void Resource_labels_are_capped_so_backends_accept_the_series()
    {
        var resource = new Resource();
        for (var i = 0; i < 40; i++)
        {
            resource.Attributes.Add(new KeyValue("attr" + i, AnyValue.Int(i)));
        }

        var labels = ResourceLabels.For(resource);

        Assert.Equal(ResourceLabels.MaxAttributeLabels + 1, labels.Count);
        Assert.Equal("attr0", labels[1].Key);
    }

    [Theory]
    [InlineData("samples/count", "cpu/nanoseconds", "process_cpu")]
    [InlineData("cpu/nanoseconds", "", "process_cpu")]
    [InlineData("alloc_space/bytes", "space/bytes", "memory")]
    [InlineData("contentions/count", "contentions/count", "contentions")]
    [InlineData("off_cpu/nanoseconds", "", "off_cpu")]
    [InlineData("wall/nanoseconds", "wall/nanoseconds", "wall")]
    [InlineData("events.x/count", "", "events_x")]
    public void Profile_names_follow_pyroscope_and_parca_conventions(string sampleType, string periodType, string expected)
    {
        var profile = new P.Profile();
        profile.SampleTypes.Add(Type(sampleType));
        profile.PeriodType = periodType.Length > 0 ? Type(periodType) : null;

        Assert.Equal(expected, ProfileNames.For(profile));
    }

    private static ProfileValueType Type(string text) => new(text.Split('/')[0], text.Split('/')[1]);
}
