using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using Ember.Profiles.Validation;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Tests.Conversion;

public class PprofToOtlpTests
{
    private static ScopeProfiles OnlyScope(ProfilesData data) => Assert.Single(Assert.Single(data.ResourceProfiles).ScopeProfiles);

    private static KeyValueAndUnit Attribute(IEnumerable<KeyValueAndUnit> attributes, string key) => Assert.Single(attributes, a => a.Key == key);

    private static KeyValue Attribute(IEnumerable<KeyValue> attributes, string key) => Assert.Single(attributes, a => a.Key == key);

    [Fact]
    public void Each_sample_type_becomes_one_profile_in_a_single_resource_and_scope()
    {
        var heap = PprofFixtures.Heap();

        var scope = OnlyScope(PprofToOtlp.Convert(heap));

        Assert.Equal(4, scope.Profiles.Count);
        Assert.Equal(
            ["alloc_space/bytes", "alloc_objects/count", "inuse_objects/count", "inuse_space/bytes"],
            scope.Profiles.Select(p => p.SampleType.ToString()));
    }

    [Fact]
    public void Every_profile_holds_every_sample_with_its_own_value_and_shares_stacks_and_attributes()
    {
        var heap = PprofFixtures.Heap();

        var profiles = OnlyScope(PprofToOtlp.Convert(heap)).Profiles;

        int[] pprofIndexOfProfile = [1, 0, 2, 3];
        for (var position = 0; position < profiles.Count; position++)
        {
            Assert.Equal(heap.Samples.Count, profiles[position].Samples.Count);
            for (var index = 0; index < heap.Samples.Count; index++)
            {
                var sample = profiles[position].Samples[index];
                Assert.Equal([heap.Samples[index].Values[pprofIndexOfProfile[position]]], sample.Values);
                Assert.Empty(sample.TimestampsUnixNano);
                Assert.Same(profiles[0].Samples[index].Stack, sample.Stack);
                Assert.Equal(profiles[0].Samples[index].Attributes, sample.Attributes);
            }
        }
    }

    [Fact]
    public void Samples_with_the_same_stack_share_one_stack_object()
    {
        var heap = PprofFixtures.Heap();

        var samples = OnlyScope(PprofToOtlp.Convert(heap)).Profiles[0].Samples;

        Assert.Same(samples[0].Stack, samples[1].Stack);
        Assert.NotSame(samples[0].Stack, samples[2].Stack);
        Assert.Equal(
            ["runtime.mallocgc", "runtime.makeslice", "checkout.NewCart", "main.main"],
            samples[0].Stack.Locations.SelectMany(l => l.Lines).Select(l => l.Function!.Name));
    }

    [Fact]
    public void Default_sample_type_goes_first_and_the_scope_records_it_and_the_pprof_order()
    {
        var scope = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Heap()));

        Assert.Equal("alloc_space", scope.Profiles[0].SampleType.Type);
        Assert.Equal(AnyValue.String("alloc_space"), Attribute(scope.Scope.Attributes, "pprof.scope.default_sample_type").Value);
        Assert.Equal(
            AnyValue.Array([AnyValue.Int(1), AnyValue.Int(0), AnyValue.Int(2), AnyValue.Int(3)]),
            Attribute(scope.Scope.Attributes, "pprof.scope.sample_type_order").Value);
    }

    [Fact]
    public void Without_a_default_sample_type_the_last_one_goes_first_as_pprof_would_show_it()
    {
        var scope = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Cpu()));

        Assert.Equal(["cpu/nanoseconds", "samples/count"], scope.Profiles.Select(p => p.SampleType.ToString()));
        Assert.DoesNotContain(scope.Scope.Attributes, a => a.Key == "pprof.scope.default_sample_type");
        Assert.Equal(AnyValue.Array([AnyValue.Int(1), AnyValue.Int(0)]), Attribute(scope.Scope.Attributes, "pprof.scope.sample_type_order").Value);
    }

    [Fact]
    public void Build_id_becomes_the_gnu_build_id_attribute_and_set_flags_become_pprof_mapping_attributes()
    {
        var samples = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Cpu())).Profiles[0].Samples;
        var main = samples[0].Stack.Locations[0].Mapping!;
        var libc = samples[2].Stack.Locations[0].Mapping!;
        var vdso = samples[3].Stack.Locations[0].Mapping!;

        Assert.Equal(
            [
                KeyValueAndUnit.String("process.executable.build_id.gnu", PprofFixtures.MainBuildId),
                new KeyValueAndUnit("pprof.mapping.has_functions", AnyValue.Bool(true)),
                new KeyValueAndUnit("pprof.mapping.has_filenames", AnyValue.Bool(true)),
                new KeyValueAndUnit("pprof.mapping.has_line_numbers", AnyValue.Bool(true)),
                new KeyValueAndUnit("pprof.mapping.has_inline_frames", AnyValue.Bool(true)),
            ],
            main.Attributes);
        Assert.Equal(
            [
                KeyValueAndUnit.String("process.executable.build_id.gnu", PprofFixtures.LibcBuildId),
                new KeyValueAndUnit("pprof.mapping.has_functions", AnyValue.Bool(true)),
            ],
            libc.Attributes);
        Assert.Empty(vdso.Attributes);
        Assert.Equal((0x7f3a12000000UL, 0x7f3a12200000UL, 0x28000UL, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
            (libc.MemoryStart, libc.MemoryLimit, libc.FileOffset, libc.FileName));
    }

    [Fact]
    public void Span_and_trace_id_labels_become_a_link_with_their_bytes()
    {
        var samples = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Cpu())).Profiles[0].Samples;

        var both = samples[0];
        Assert.NotNull(both.Link);
        Assert.Equal(Convert.FromHexString(PprofFixtures.TraceId), both.Link.TraceId);
        Assert.Equal(Convert.FromHexString(PprofFixtures.SpanId), both.Link.SpanId);
        Assert.DoesNotContain(both.Attributes, a => a.Key is "span_id" or "trace_id");

        var spanOnly = samples[1];
        Assert.NotNull(spanOnly.Link);
        Assert.Equal(new byte[16], spanOnly.Link.TraceId);
        Assert.Equal(Convert.FromHexString(PprofFixtures.SpanId), spanOnly.Link.SpanId);

        Assert.Null(samples[5].Link);
    }

    [Fact]
    public void Span_and_trace_labels_that_are_not_lowercase_hex_ids_stay_attributes()
    {
        var sample = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Cpu())).Profiles[0].Samples[3];

        Assert.Null(sample.Link);
        Assert.Equal(AnyValue.String("00F067AA0BA902B7"), Attribute(sample.Attributes, "span_id").Value);
        Assert.Equal(AnyValue.String("not-a-trace-id"), Attribute(sample.Attributes, "trace_id").Value);
    }

    [Fact]
    public void String_labels_become_string_attributes_and_numeric_labels_int_attributes_with_their_unit()
    {
        var samples = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Heap())).Profiles[0].Samples;

        Assert.Equal([new KeyValueAndUnit("bytes", AnyValue.Int(48))], samples[0].Attributes);
        Assert.Equal([new KeyValueAndUnit("bytes", AnyValue.Int(4096), "bytes")], samples[1].Attributes);
        Assert.Equal(
            [new KeyValueAndUnit("bytes", AnyValue.Int(1_048_576)), KeyValueAndUnit.String("pool", "buffers")],
            samples[2].Attributes);
    }

    [Fact]
    public void A_key_repeated_in_a_sample_becomes_one_array_attribute_so_keys_stay_unique()
    {
        var sample = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Cpu())).Profiles[0].Samples[2];

        Assert.Equal(
            [
                new KeyValueAndUnit("tenant", AnyValue.Array([AnyValue.String("acme"), AnyValue.String("globex")])),
                new KeyValueAndUnit("retry", AnyValue.Array([AnyValue.Int(1), AnyValue.Int(2)]), "count"),
            ],
            sample.Attributes);
    }

    [Fact]
    public void Folded_locations_carry_the_is_folded_attribute_and_others_none()
    {
        var stack = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Cpu())).Profiles[0].Samples[1].Stack;

        Assert.Equal([new KeyValueAndUnit("pprof.location.is_folded", AnyValue.Bool(true))], stack.Locations[0].Attributes);
        Assert.Empty(stack.Locations[1].Attributes);
    }

    [Fact]
    public void Inlined_lines_functions_and_columns_are_copied_in_order()
    {
        var location = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Cpu())).Profiles[0].Samples[0].Stack.Locations[0];

        Assert.Equal(0x6c0010UL, location.Address);
        Assert.Equal(
            [("checkout.computeTax", "/src/checkout/tax.go", 80L, 88L, 12L), ("checkout.(*Service).PlaceOrder", "/src/checkout/service.go", 35L, 40L, 5L)],
            location.Lines.Select(l => (l.Function!.Name, l.Function.FileName, l.Function.StartLine, l.Number, l.Column)));
    }

    [Fact]
    public void Drop_and_keep_frames_doc_url_and_comments_become_pprof_profile_attributes_on_every_profile()
    {
        var profiles = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Cpu())).Profiles;

        foreach (var profile in profiles)
        {
            Assert.Equal(
                [
                    KeyValueAndUnit.String("pprof.profile.drop_frames", @"runtime\..*"),
                    KeyValueAndUnit.String("pprof.profile.keep_frames", @"runtime\.main"),
                    KeyValueAndUnit.String("pprof.profile.doc_url", "https://pkg.go.dev/runtime/pprof#StartCPUProfile"),
                    new KeyValueAndUnit("pprof.profile.comment", AnyValue.Array([
                        AnyValue.String("checkout-service CPU profile"), AnyValue.String("collected by the ember test suite")])),
                ],
                profile.Attributes);
        }
    }

    [Fact]
    public void Unset_pprof_fields_add_no_attributes()
    {
        var profile = new P.Profile();
        profile.SampleTypes.Add(new ProfileValueType("samples", "count"));
        var location = new P.Location { Mapping = new P.Mapping { MemoryStart = 0x1000, MemoryLimit = 0x2000 }, Address = 0x1800 };
        var sample = new P.Sample();
        sample.Locations.Add(location);
        sample.Values.Add(1);
        profile.Samples.Add(sample);

        var scope = OnlyScope(PprofToOtlp.Convert(profile));

        var converted = Assert.Single(scope.Profiles);
        Assert.Empty(converted.Attributes);
        Assert.Empty(converted.Samples[0].Stack.Locations[0].Attributes);
        Assert.Empty(converted.Samples[0].Stack.Locations[0].Mapping!.Attributes);
        Assert.Equal(["pprof.scope.sample_type_order"], scope.Scope.Attributes.Select(a => a.Key));
    }

    [Fact]
    public void Time_duration_period_and_period_type_are_copied_to_every_profile()
    {
        var profiles = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Cpu())).Profiles;

        Assert.All(profiles, p =>
        {
            Assert.Equal((ulong)PprofFixtures.StartTime, p.TimeUnixNano);
            Assert.Equal((ulong)PprofFixtures.TenSeconds, p.DurationNano);
            Assert.Equal(new ProfileValueType("cpu", "nanoseconds"), p.PeriodType);
            Assert.Equal(PprofFixtures.CpuPeriod, p.Period);
        });
    }

    [Fact]
    public void Options_set_resource_attributes_scope_and_the_original_payload_on_the_first_profile_only()
    {
        byte[] payload = [0x1f, 0x8b, 8, 0];
        var options = new PprofToOtlpOptions { ScopeName = "ember-agent", ScopeVersion = "1.2.3", OriginalPayload = payload };
        options.ResourceAttributes.Add(new KeyValue("service.name", AnyValue.String("checkout")));

        var data = PprofToOtlp.Convert(PprofFixtures.Cpu(), options);

        var resource = Assert.Single(data.ResourceProfiles);
        Assert.Equal([new KeyValue("service.name", AnyValue.String("checkout"))], resource.Resource.Attributes);
        var scope = Assert.Single(resource.ScopeProfiles);
        Assert.Equal(("ember-agent", "1.2.3"), (scope.Scope.Name, scope.Scope.Version));
        Assert.Equal(("pprof", payload), (scope.Profiles[0].OriginalPayloadFormat, scope.Profiles[0].OriginalPayload));
        Assert.Equal((string.Empty, 0), (scope.Profiles[1].OriginalPayloadFormat, scope.Profiles[1].OriginalPayload.Length));
    }

    [Fact]
    public void Default_options_name_the_scope_ember_and_keep_no_payload()
    {
        var scope = OnlyScope(PprofToOtlp.Convert(PprofFixtures.Cpu()));

        Assert.Equal("ember", scope.Scope.Name);
        Assert.All(scope.Profiles, p => Assert.Empty(p.OriginalPayloadFormat));
    }

    [Fact]
    public void Converted_profiles_are_valid_otlp()
    {
        Assert.Empty(OtlpValidator.Validate(PprofToOtlp.Convert(PprofFixtures.Cpu())));
        Assert.Empty(OtlpValidator.Validate(PprofToOtlp.Convert(PprofFixtures.Heap())));
    }

    [Fact]
    public void A_sample_with_the_wrong_number_of_values_is_rejected_with_its_index()
    {
        var profile = PprofFixtures.Heap();
        profile.Samples[2].Values.RemoveAt(0);

        var error = Assert.Throws<ArgumentException>(() => PprofToOtlp.Convert(profile));

        Assert.Contains("samples[2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fifty_thousand_samples_over_a_few_stacks_share_those_stacks()
    {
        var heap = PprofFixtures.Heap();
        var stacks = heap.Samples.Select(s => s.Locations.ToArray()).ToArray();
        heap.Samples.Clear();
        for (var index = 0; index < 50_000; index++)
        {
            var sample = new P.Sample();
            sample.Locations.AddRange(stacks[index % stacks.Length]);
            sample.Values.AddRange([1, 2, 3, 4]);
            sample.Labels.Add(P.Label.Number("bytes", index % 7));
            heap.Samples.Add(sample);
        }

        var profiles = OnlyScope(PprofToOtlp.Convert(heap)).Profiles;

        Assert.All(profiles, p => Assert.Equal(50_000, p.Samples.Count));
        Assert.Equal(2, profiles.SelectMany(p => p.Samples).Select(s => s.Stack).Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(7, profiles[0].Samples.Select(s => s.Attributes[0]).Distinct(ReferenceEqualityComparer.Instance).Count());
    }
}
