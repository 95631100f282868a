using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using O = Ember.Profiles.Otlp;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Tests.Conversion;

/// <summary>OTLP input that did not come from pprof: eBPF-profiler style data, unrelated profiles, several resources.</summary>
public class OtlpToPprofTests
{
    private const ulong Start = 1_767_225_600_000_000_000;
    private const ulong Second = 1_000_000_000;
    private static readonly ProfileValueType SamplesCount = new("samples", "count");
    private static readonly ProfileValueType OffCpu = new("off_cpu", "nanoseconds");

    /// <summary>The shapes the OpenTelemetry eBPF profiler sends: python3 frames over a kernel syscall.</summary>
    private sealed class EbpfProcess
    {
        public EbpfProcess()
        {
            Python = new O.Mapping { MemoryStart = 0x55d4c0000000, MemoryLimit = 0x55d4c0400000, FileName = "/usr/bin/python3.12" };
            Python.Attributes.Add(KeyValueAndUnit.String("process.executable.build_id.gnu", "0f1e2d3c4b5a69788796a5b4c3d2e1f001122334"));
            Python.Attributes.Add(KeyValueAndUnit.String("process.executable.build_id.htlhash", "6ea1fbe8a8d0e6e94bbcf5e5b2d1c3a4"));
            Kernel = new O.Mapping { FileName = "[kernel.kallsyms]" };
            Compute = Stack(Frame(Python, 0x55d4c0012345, "compute", "app.py", 12), Frame(Python, 0x55d4c0023456, "main", "app.py", 30));
            Sleep = Stack(Frame(Kernel, 0xffffffff81c3e2a0, "schedule", string.Empty, 0), Frame(Python, 0x55d4c0034567, "wait", "app.py", 44));
        }

        public O.Mapping Python { get; }

        public O.Mapping Kernel { get; }

        public Stack Compute { get; }

        public Stack Sleep { get; }

        /// <summary>On-CPU: samples/count with timestamps only, period 1e9/20 Hz.</summary>
        public O.Profile OnCpu()
        {
            var profile = new O.Profile
            {
                SampleType = SamplesCount,
                PeriodType = new ProfileValueType("cpu", "nanoseconds"),
                Period = 50_000_000,
                TimeUnixNano = Start,
                DurationNano = 5 * Second,
            };
            var compute = Sample(Compute, timestamps: [Start + 1, Start + 2, Start + 3]);
            compute.Attributes.Add(KeyValueAndUnit.String("thread.name", "python3"));
            compute.Attributes.Add(new KeyValueAndUnit("thread.id", AnyValue.Int(4711)));
            profile.Samples.Add(compute);
            profile.Samples.Add(Sample(Sleep, timestamps: [Start + 10]));
            return profile;
        }

        /// <summary>Off-CPU: per-event nanoseconds with matching timestamps, no period.</summary>
        public O.Profile OffCpuProfile()
        {
            var profile = new O.Profile { SampleType = OffCpu, TimeUnixNano = Start, DurationNano = 5 * Second };
            profile.Samples.Add(Sample(Sleep, values: [100, 250], timestamps: [Start + 5, Start + 6]));
            return profile;
        }
    }

    private static O.Location Frame(O.Mapping mapping, ulong address, string function, string file, long line)
    {
        var location = new O.Location { Mapping = mapping, Address = address };
        location.Lines.Add(new O.Line { Function = new O.Function { Name = function, FileName = file }, Number = line });
        location.Attributes.Add(KeyValueAndUnit.String("profile.frame.type", mapping.FileName.StartsWith('[') ? "kernel" : "cpython"));
        return location;
    }

    private static Stack Stack(params O.Location[] locations)
    {
        var stack = new Stack();
        stack.Locations.AddRange(locations);
        return stack;
    }

    private static O.Sample Sample(Stack stack, long[]? values = null, ulong[]? timestamps = null)
    {
        var sample = new O.Sample { Stack = stack };
        sample.Values.AddRange(values ?? []);
        sample.TimestampsUnixNano.AddRange(timestamps ?? []);
        return sample;
    }

    private static ProfilesData Data(params O.Profile[] profiles) => Data([], [], profiles);

    private static ProfilesData Data(KeyValue[] resourceAttributes, KeyValue[] scopeAttributes, params O.Profile[] profiles)
    {
        var scope = new ScopeProfiles { Scope = new InstrumentationScope { Name = "otel-ebpf-profiler" } };
        scope.Scope.Attributes.AddRange(scopeAttributes);
        scope.Profiles.AddRange(profiles);
        var resource = new ResourceProfiles();
        resource.Resource.Attributes.AddRange(resourceAttributes);
        resource.ScopeProfiles.Add(scope);
        var data = new ProfilesData();
        data.ResourceProfiles.Add(resource);
        return data;
    }

    [Fact]
    public void Timestamp_only_samples_become_counts_with_the_period_kept()
    {
        var process = new EbpfProcess();

        var pprof = Assert.Single(OtlpToPprof.Convert(Data(process.OnCpu())));

        Assert.Equal([SamplesCount], pprof.SampleTypes);
        Assert.Equal([[3L], [1L]], pprof.Samples.Select(s => s.Values));
        Assert.Equal(new ProfileValueType("cpu", "nanoseconds"), pprof.PeriodType);
        Assert.Equal(50_000_000, pprof.Period);
        Assert.Equal(((long)Start, 5 * (long)Second), (pprof.TimeNanos, pprof.DurationNanos));
    }

    [Fact]
    public void Stacks_lines_and_mappings_are_carried_over_leaf_first()
    {
        var process = new EbpfProcess();

        var pprof = Assert.Single(OtlpToPprof.Convert(Data(process.OnCpu())));

        var leaf = pprof.Samples[1].Locations[0];
        Assert.Equal(0xffffffff81c3e2a0UL, leaf.Address);
        Assert.Equal("schedule", Assert.Single(leaf.Lines).Function!.Name);
        Assert.Equal(["compute", "main"], pprof.Samples[0].Locations.Select(l => l.Lines[0].Function!.Name));
        Assert.Equal([12L, 30L], pprof.Samples[0].Locations.Select(l => l.Lines[0].Number));
        Assert.Same(pprof.Samples[0].Locations[0].Mapping, pprof.Samples[1].Locations[1].Mapping);
        Assert.Equal(4, pprof.Locations.Count);
        Assert.Equal(4, pprof.Functions.Count);
    }

    [Fact]
    public void Samples_with_values_and_timestamps_get_the_sum_of_their_values()
    {
        var process = new EbpfProcess();
        var profile = process.OffCpuProfile();
        profile.Samples.Add(Sample(process.Compute, values: [5, 6]));

        var pprof = Assert.Single(OtlpToPprof.Convert(Data(profile)));

        Assert.Equal([OffCpu], pprof.SampleTypes);
        Assert.Equal([[350L], [11L]], pprof.Samples.Select(s => s.Values));
    }

    [Fact]
    public void Two_unrelated_profiles_in_one_scope_become_two_pprofs()
    {
        var process = new EbpfProcess();

        var pprofs = OtlpToPprof.Convert(Data(process.OnCpu(), process.OffCpuProfile()));

        Assert.Equal(2, pprofs.Count);
        Assert.Equal([SamplesCount], pprofs[0].SampleTypes);
        Assert.Equal(2, pprofs[0].Samples.Count);
        Assert.Equal([OffCpu], pprofs[1].SampleTypes);
        Assert.Equal([350L], Assert.Single(pprofs[1].Samples).Values);
    }

    [Fact]
    public void Profiles_sharing_their_samples_merge_into_one_pprof_in_scope_order()
    {
        var process = new EbpfProcess();
        var count = new O.Profile { SampleType = SamplesCount };
        var cpu = new O.Profile { SampleType = new ProfileValueType("cpu", "nanoseconds") };
        var link = new Link(Convert.FromHexString(PprofFixtures.TraceId), Convert.FromHexString(PprofFixtures.SpanId));
        foreach (var (profile, value) in new[] { (count, 2L), (cpu, 20_000_000L) })
        {
            var sample = Sample(process.Compute, values: [value]);
            sample.Link = link;
            profile.Samples.Add(sample);
        }

        var pprof = Assert.Single(OtlpToPprof.Convert(Data(count, cpu)));

        Assert.Equal(["samples", "cpu"], pprof.SampleTypes.Select(t => t.Type));
        Assert.Equal([2L, 20_000_000L], Assert.Single(pprof.Samples).Values);
        Assert.Empty(pprof.DefaultSampleType);
    }

    [Fact]
    public void Profiles_with_the_same_stacks_but_different_attributes_or_links_stay_apart_and_equal_ones_merge()
    {
        var process = new EbpfProcess();
        var first = process.OnCpu();
        var otherAttributes = process.OnCpu();
        otherAttributes.Samples[0].Attributes[0] = KeyValueAndUnit.String("thread.name", "worker");
        var otherLink = process.OnCpu();
        otherLink.Samples[1].Link = new Link(new byte[16], [1, 2, 3, 4, 5, 6, 7, 8]);

        var pprofs = OtlpToPprof.Convert(Data(first, process.OnCpu(), otherAttributes, otherLink));

        Assert.Equal([2, 1, 1], pprofs.Select(p => p.SampleTypes.Count));
    }

    [Fact]
    public void A_sample_type_order_that_is_not_a_permutation_is_ignored()
    {
        var process = new EbpfProcess();
        var first = process.OnCpu();
        var second = process.OnCpu();
        second.SampleType = new ProfileValueType("events", "count");
        var order = new KeyValue("pprof.scope.sample_type_order", AnyValue.Array([AnyValue.Int(1), AnyValue.Int(1)]));

        var pprof = Assert.Single(OtlpToPprof.Convert(Data([], [order], first, second)));

        Assert.Equal(["samples", "events"], pprof.SampleTypes.Select(t => t.Type));
    }

    [Fact]
    public void With_several_groups_the_default_sample_type_goes_only_to_the_pprof_measuring_it()
    {
        var process = new EbpfProcess();
        var defaultType = new KeyValue("pprof.scope.default_sample_type", AnyValue.String("off_cpu"));

        var pprofs = OtlpToPprof.Convert(Data([], [defaultType], process.OnCpu(), process.OffCpuProfile()));

        Assert.Equal(["", "off_cpu"], pprofs.Select(p => p.DefaultSampleType));
    }

    [Fact]
    public void Attributes_become_labels_by_value_type()
    {
        var process = new EbpfProcess();
        var sample = Sample(process.Compute, values: [1]);
        sample.Attributes.AddRange([
            KeyValueAndUnit.String("thread.name", "python3"),
            new KeyValueAndUnit("sampled", AnyValue.Bool(true)),
            new KeyValueAndUnit("load", AnyValue.Double(0.25)),
            new KeyValueAndUnit("allocated", AnyValue.Int(4096), "By"),
            new KeyValueAndUnit("tenant", AnyValue.Array([AnyValue.String("acme"), AnyValue.String("globex")])),
            new KeyValueAndUnit("retry", AnyValue.Array([AnyValue.Int(1), AnyValue.Int(2)]), "count"),
            new KeyValueAndUnit("digest", AnyValue.Bytes([0xca, 0xfe])),
        ]);
        var profile = new O.Profile { SampleType = SamplesCount };
        profile.Samples.Add(sample);

        var labels = Assert.Single(Assert.Single(OtlpToPprof.Convert(Data(profile))).Samples).Labels;

        Assert.Equal(
            [
                P.Label.String("thread.name", "python3"),
                P.Label.String("sampled", "true"),
                P.Label.String("load", "0.25"),
                P.Label.Number("allocated", 4096, "By"),
                P.Label.String("tenant", "acme"),
                P.Label.String("tenant", "globex"),
                P.Label.Number("retry", 1, "count"),
                P.Label.Number("retry", 2, "count"),
                P.Label.String("digest", "cafe"),
            ],
            labels);
    }

    [Fact]
    public void A_link_becomes_trace_id_and_span_id_hex_labels_leaving_out_zero_ids()
    {
        var process = new EbpfProcess();
        var profile = new O.Profile { SampleType = SamplesCount };
        Link?[] links =
        [
            new Link(Convert.FromHexString(PprofFixtures.TraceId), Convert.FromHexString(PprofFixtures.SpanId)),
            new Link(new byte[16], Convert.FromHexString(PprofFixtures.SpanId)),
            new Link(new byte[16], new byte[8]),
        ];
        foreach (var link in links)
        {
            var sample = Sample(process.Compute, values: [1]);
            sample.Link = link;
            profile.Samples.Add(sample);
        }

        var samples = Assert.Single(OtlpToPprof.Convert(Data(profile))).Samples;

        Assert.Equal([P.Label.String("trace_id", PprofFixtures.TraceId), P.Label.String("span_id", PprofFixtures.SpanId)], samples[0].Labels);
        Assert.Equal([P.Label.String("span_id", PprofFixtures.SpanId)], samples[1].Labels);
        Assert.Empty(samples[2].Labels);
    }

    [Fact]
    public void The_build_id_is_the_gnu_one_else_the_go_one_else_the_htlhash()
    {
        O.Mapping Mapping(ulong start, params (string Kind, string Id)[] ids)
        {
            var mapping = new O.Mapping { MemoryStart = start, MemoryLimit = start + 0x1000 };
            mapping.Attributes.AddRange(ids.Select(id => KeyValueAndUnit.String("process.executable.build_id." + id.Kind, id.Id)));
            return mapping;
        }

        var all = Mapping(0x1000, ("htlhash", "h1"), ("go", "g1"), ("gnu", "a1"));
        var goAndHtlhash = Mapping(0x2000, ("htlhash", "h2"), ("go", "g2"));
        var htlhashOnly = Mapping(0x3000, ("htlhash", "h3"));
        var none = Mapping(0x4000);
        var profile = new O.Profile { SampleType = SamplesCount };
        profile.Samples.Add(Sample(Stack([.. new[] { all, goAndHtlhash, htlhashOnly, none }.Select(m => new O.Location { Mapping = m, Address = m.MemoryStart })]), values: [1]));

        var pprof = Assert.Single(OtlpToPprof.Convert(Data(profile)));

        Assert.Equal(["a1", "g2", "h3", ""], pprof.Mappings.Select(m => m.BuildId));
    }

    [Fact]
    public void Mappings_are_listed_by_address_so_the_main_binary_comes_first_and_rangeless_ones_last()
    {
        var process = new EbpfProcess();

        var pprof = Assert.Single(OtlpToPprof.Convert(Data(process.OnCpu())));

        Assert.Equal(["/usr/bin/python3.12", "[kernel.kallsyms]"], pprof.Mappings.Select(m => m.FileName));
    }

    [Fact]
    public void Profile_attributes_become_labels_unless_the_sample_has_the_key_and_pprof_ones_never_do()
    {
        var process = new EbpfProcess();
        var profile = process.OnCpu();
        profile.Attributes.Add(KeyValueAndUnit.String("thread.name", "main"));
        profile.Attributes.Add(KeyValueAndUnit.String("deployment.environment.name", "prod"));
        profile.Attributes.Add(KeyValueAndUnit.String("pprof.profile.unknown_field", "x"));

        var samples = Assert.Single(OtlpToPprof.Convert(Data(profile))).Samples;

        Assert.Equal(
            [P.Label.String("thread.name", "python3"), P.Label.Number("thread.id", 4711), P.Label.String("deployment.environment.name", "prod")],
            samples[0].Labels);
        Assert.Equal([P.Label.String("thread.name", "main"), P.Label.String("deployment.environment.name", "prod")], samples[1].Labels);
    }

    [Fact]
    public void Comments_in_the_collector_translators_numbered_form_are_restored_in_order()
    {
        var process = new EbpfProcess();
        var profile = process.OnCpu();
        profile.Attributes.Add(KeyValueAndUnit.String("pprof.profile.comment.10", "third"));
        profile.Attributes.Add(KeyValueAndUnit.String("pprof.profile.comment.0", "first"));
        profile.Attributes.Add(KeyValueAndUnit.String("pprof.profile.comment.2", "second"));

        var pprof = Assert.Single(OtlpToPprof.Convert(Data(profile)));

        Assert.Equal(["first", "second", "third"], pprof.Comments);
        Assert.All(pprof.Samples, s => Assert.DoesNotContain(s.Labels, l => l.Key.StartsWith("pprof.", StringComparison.Ordinal)));
    }

    [Fact]
    public void Merged_output_labels_each_sample_with_its_resource_attributes_and_shares_sample_types()
    {
        var first = new EbpfProcess();
        var second = new EbpfProcess();
        var data = Data([new("service.name", AnyValue.String("billing")), new("process.pid", AnyValue.Int(100))], [], first.OnCpu());
        data.ResourceProfiles.Add(Data([new("service.name", AnyValue.String("search")), new("process.pid", AnyValue.Int(200))], [], second.OnCpu()).ResourceProfiles[0]);

        var pprof = OtlpToPprof.ConvertMerged(data);

        Assert.Equal([SamplesCount], pprof.SampleTypes);
        Assert.Equal(4, pprof.Samples.Count);
        Assert.Equal(
            ["billing", "billing", "search", "search"],
            pprof.Samples.Select(s => Assert.Single(s.Labels, l => l.Key == "service.name").Str));
        Assert.Equal(
            [100L, 100, 200, 200],
            pprof.Samples.Select(s => Assert.Single(s.Labels, l => l.Key == "process.pid" && l.IsNumeric).Num));
        Assert.Equal(4, pprof.Mappings.Count);
    }

    [Fact]
    public void Merged_output_gives_zero_to_sample_types_a_sample_does_not_measure()
    {
        var process = new EbpfProcess();

        var pprof = OtlpToPprof.ConvertMerged(Data(process.OnCpu(), process.OffCpuProfile()));

        Assert.Equal([SamplesCount, OffCpu], pprof.SampleTypes);
        Assert.Equal([[3L, 0L], [1L, 0L], [0L, 350L]], pprof.Samples.Select(s => s.Values));
    }

    [Fact]
    public void Merged_output_spans_from_the_earliest_start_to_the_latest_end()
    {
        var process = new EbpfProcess();
        var early = process.OnCpu();
        var late = process.OffCpuProfile();
        late.TimeUnixNano = Start + (2 * Second);
        late.DurationNano = 7 * Second;
        late.Samples[0].TimestampsUnixNano.Clear();
        late.Samples[0].TimestampsUnixNano.AddRange([Start + (3 * Second), Start + (4 * Second)]);

        var pprof = OtlpToPprof.ConvertMerged(Data(early, late));

        Assert.Equal((long)Start, pprof.TimeNanos);
        Assert.Equal(9 * (long)Second, pprof.DurationNanos);
    }

    [Fact]
    public void Empty_data_gives_no_pprofs_and_an_empty_merged_pprof()
    {
        Assert.Empty(OtlpToPprof.Convert(new ProfilesData()));
        var merged = OtlpToPprof.ConvertMerged(new ProfilesData());
        Assert.Empty(merged.SampleTypes);
        Assert.Empty(merged.Samples);
    }
}
