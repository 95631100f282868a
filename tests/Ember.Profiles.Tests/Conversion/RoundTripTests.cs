using CsCheck;
using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Tests.Conversion;

/// <summary>pprof → OTLP → pprof gives back an equal profile (the converters' acceptance criterion).</summary>
public class RoundTripTests
{
    private static P.Profile RoundTrip(P.Profile profile) => Assert.Single(OtlpToPprof.Convert(PprofToOtlp.Convert(profile)));

    [Fact]
    public void Cpu_profile_round_trips_field_by_field()
    {
        PprofComparer.AssertEqual(PprofFixtures.Cpu(), RoundTrip(PprofFixtures.Cpu()));
    }

    [Fact]
    public void Heap_profile_round_trips_field_by_field()
    {
        PprofComparer.AssertEqual(PprofFixtures.Heap(), RoundTrip(PprofFixtures.Heap()));
    }

    [Fact]
    public void Merged_conversion_of_one_converted_pprof_gives_it_back_too()
    {
        PprofComparer.AssertEqual(PprofFixtures.Heap(), OtlpToPprof.ConvertMerged(PprofToOtlp.Convert(PprofFixtures.Heap())));
    }

    [Fact]
    public void Round_trip_restores_the_sample_type_order_and_the_default_sample_type()
    {
        var heap = RoundTrip(PprofFixtures.Heap());

        Assert.Equal(["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"], heap.SampleTypes.Select(t => t.Type));
        Assert.Equal("alloc_space", heap.DefaultSampleType);
        Assert.Equal([1024L, 49_152, 10, 480], heap.Samples[0].Values);
    }

    [Fact]
    public void Round_trip_restores_span_and_trace_labels_from_the_link()
    {
        var cpu = RoundTrip(PprofFixtures.Cpu());

        Assert.Contains(P.Label.String("trace_id", PprofFixtures.TraceId), cpu.Samples[0].Labels);
        Assert.Contains(P.Label.String("span_id", PprofFixtures.SpanId), cpu.Samples[0].Labels);
        Assert.DoesNotContain(cpu.Samples[1].Labels, l => l.Key == "trace_id");
    }

    [Fact]
    public void Round_trip_keeps_a_profile_with_sample_types_but_no_samples()
    {
        var profile = new P.Profile { TimeNanos = 5, DurationNanos = 7, DefaultSampleType = "cpu" };
        profile.SampleTypes.AddRange([new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds")]);

        PprofComparer.AssertEqual(profile, RoundTrip(profile));
    }

    [Fact]
    public void Round_trip_keeps_negative_times_bit_for_bit()
    {
        var profile = PprofFixtures.Heap();
        profile.TimeNanos = -3;
        profile.DurationNanos = -1000;

        PprofComparer.AssertEqual(profile, RoundTrip(profile));
    }

    [Fact]
    public void Random_profiles_round_trip_to_an_equal_profile()
    {
        RandomPprof.Profile.Sample(
            profile =>
            {
                var data = PprofToOtlp.Convert(profile);
                PprofComparer.AssertEqual(profile, Assert.Single(OtlpToPprof.Convert(data)));
                PprofComparer.AssertEqual(profile, OtlpToPprof.ConvertMerged(data));
            },
            iter: 300,
            threads: 1,
            print: PprofComparer.Dump);
    }

    [Fact]
    public void Resource_attributes_survive_a_merged_round_trip_as_labels_on_every_sample()
    {
        var options = new PprofToOtlpOptions();
        options.ResourceAttributes.Add(new KeyValue("service.name", AnyValue.String("checkout")));
        options.ResourceAttributes.Add(new KeyValue("process.pid", AnyValue.Int(4242)));

        var merged = OtlpToPprof.ConvertMerged(PprofToOtlp.Convert(PprofFixtures.Heap(), options));

        Assert.All(merged.Samples, s =>
        {
            Assert.Contains(P.Label.String("service.name", "checkout"), s.Labels);
            Assert.Contains(P.Label.Number("process.pid", 4242), s.Labels);
        });
    }
}
