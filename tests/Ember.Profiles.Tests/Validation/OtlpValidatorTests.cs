using Ember.Profiles.Otlp;
using Ember.Profiles.Validation;
using O = Ember.Profiles.Otlp;

namespace Ember.Profiles.Tests.Validation;

/// <summary>
/// One test per rule: the profile under test sits at <see cref="Target"/> among valid neighbours, is
/// broken in exactly one way, and exactly that violation, with its full path, must come back.
/// </summary>
public class OtlpValidatorTests
{
    private const string Target = "resourceProfiles[1].scopeProfiles[1].profiles[2]";
    private const ulong Start = 1_767_225_600_000_000_000;
    private const ulong Window = 5_000_000_000;

    /// <summary>eBPF-profiler on-CPU shape: timestamps only; both samples share the leaf location and mapping.</summary>
    private static O.Profile OnCpu()
    {
        var mapping = new O.Mapping { MemoryStart = 0x400000, MemoryLimit = 0x800000, FileName = "/usr/bin/app" };
        mapping.Attributes.Add(KeyValueAndUnit.String("process.executable.build_id.gnu", "0f1e2d3c4b5a6978"));
        var leaf = Location(mapping, 0x401000, new O.Function { Name = "compute", FileName = "app.c" });
        var caller = Location(mapping, 0x402000, new O.Function { Name = "main" });
        var profile = new O.Profile
        {
            SampleType = new ProfileValueType("samples", "count"),
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = 50_000_000,
            TimeUnixNano = Start,
            DurationNano = Window,
        };
        var first = Sample(leaf, caller);
        first.TimestampsUnixNano.AddRange([Start, Start + 1, Start + Window - 1]);
        first.Attributes.AddRange([KeyValueAndUnit.String("thread.name", "app"), new KeyValueAndUnit("thread.id", AnyValue.Int(7))]);
        first.Link = new Link(Convert.FromHexString("4bf92f3577b34da6a3ce929d0e0e4736"), Convert.FromHexString("00f067aa0ba902b7"));
        var second = Sample(leaf);
        second.TimestampsUnixNano.Add(Start + 10);
        profile.Samples.AddRange([first, second]);
        return profile;
    }

    /// <summary>Off-CPU shape: values paired with timestamps.</summary>
    private static O.Profile OffCpu()
    {
        var profile = new O.Profile { SampleType = new ProfileValueType("off_cpu", "nanoseconds"), TimeUnixNano = Start, DurationNano = Window };
        var sample = Sample(Location(null, 0x1000, new O.Function { SystemName = "_Z4waitv" }));
        sample.Values.AddRange([100, 200]);
        sample.TimestampsUnixNano.AddRange([Start + 5, Start + 6]);
        profile.Samples.Add(sample);
        return profile;
    }

    private static O.Location Location(O.Mapping? mapping, ulong address, O.Function function)
    {
        var location = new O.Location { Mapping = mapping, Address = address };
        location.Lines.Add(new O.Line { Function = function, Number = 1 });
        location.Attributes.Add(KeyValueAndUnit.String("profile.frame.type", "native"));
        return location;
    }

    private static O.Sample Sample(params O.Location[] locations)
    {
        var sample = new O.Sample();
        sample.Stack.Locations.AddRange(locations);
        return sample;
    }

    /// <summary>Puts <paramref name="target"/> at <see cref="Target"/>, after valid profiles with their own objects.</summary>
    private static ProfilesData Place(O.Profile target)
    {
        static ScopeProfiles Scope(params O.Profile[] profiles)
        {
            var scope = new ScopeProfiles { Scope = new InstrumentationScope { Name = "ember" } };
            scope.Scope.Attributes.Add(new KeyValue("pprof.scope.sample_type_order", AnyValue.Array([AnyValue.Int(0)])));
            scope.Profiles.AddRange(profiles);
            return scope;
        }

        var data = new ProfilesData();
        var first = new ResourceProfiles();
        first.ScopeProfiles.Add(Scope(OnCpu()));
        var second = new ResourceProfiles();
        second.Resource.Attributes.Add(new KeyValue("service.name", AnyValue.String("app")));
        second.ScopeProfiles.AddRange([Scope(OffCpu()), Scope(OnCpu(), OffCpu(), target)]);
        data.ResourceProfiles.AddRange([first, second]);
        return data;
    }

    private static IReadOnlyList<ValidationError> Validate(O.Profile target) => OtlpValidator.Validate(Place(target));

    private static ValidationError OnlyError(O.Profile target) => Assert.Single(Validate(target));

    [Fact]
    public void Valid_profiles_of_every_shape_have_no_violations()
    {
        Assert.Empty(Validate(OnCpu()));
        Assert.Empty(Validate(OffCpu()));
        Assert.Empty(OtlpValidator.Validate(new ProfilesData()));
    }

    [Fact]
    public void A_sample_needs_a_value_or_a_timestamp()
    {
        var profile = OnCpu();
        profile.Samples[1].TimestampsUnixNano.Clear();

        Assert.Equal($"{Target}.samples[1]: the sample has neither values nor timestamps", OnlyError(profile).ToString());
    }

    [Fact]
    public void Values_and_timestamps_must_pair_up_when_both_are_present()
    {
        var profile = OffCpu();
        profile.Samples[0].Values.RemoveAt(1);

        var error = OnlyError(profile);

        Assert.Equal($"{Target}.samples[0].timestampsUnixNano", error.Path);
        Assert.Contains("2 timestamps but 1 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_samples_of_a_profile_must_have_the_same_shape()
    {
        var profile = OnCpu();
        profile.Samples[1].Values.Add(1);

        var error = OnlyError(profile);

        Assert.Equal($"{Target}.samples[1]", error.Path);
        Assert.Contains("values and timestamps but samples[0] has timestamps only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_attribute_keys_must_be_unique()
    {
        var profile = OnCpu();
        profile.Samples[0].Attributes.Add(KeyValueAndUnit.String("thread.name", "other"));

        Assert.Equal($"{Target}.samples[0].attributes[2]: duplicate key 'thread.name'; keys must be unique", OnlyError(profile).ToString());
    }

    [Fact]
    public void Location_attribute_keys_must_be_unique_and_a_shared_location_is_reported_once()
    {
        var profile = OnCpu();
        profile.Samples[1].Stack.Locations[0].Attributes.Add(KeyValueAndUnit.String("profile.frame.type", "kernel"));

        Assert.Equal($"{Target}.samples[0].stack.locations[0].attributes[1]", OnlyError(profile).Path);
    }

    [Fact]
    public void A_null_location_in_a_shared_stack_is_reported_once_where_first_reached()
    {
        var profile = OnCpu();
        profile.Samples[1].Stack = profile.Samples[0].Stack;
        profile.Samples[0].Stack.Locations[1] = null!;

        Assert.Equal($"{Target}.samples[0].stack.locations[1]: is null", OnlyError(profile).ToString());
    }

    [Fact]
    public void Mapping_attribute_keys_must_be_unique()
    {
        var profile = OnCpu();
        profile.Samples[0].Stack.Locations[0].Mapping!.Attributes.Add(KeyValueAndUnit.String("process.executable.build_id.gnu", "ffff"));

        Assert.Equal($"{Target}.samples[0].stack.locations[0].mapping.attributes[1]", OnlyError(profile).Path);
    }

    [Fact]
    public void Profile_attribute_keys_must_be_unique()
    {
        var profile = OnCpu();
        profile.Attributes.AddRange([KeyValueAndUnit.String("pprof.profile.doc_url", "a"), KeyValueAndUnit.String("pprof.profile.doc_url", "b")]);

        Assert.Equal($"{Target}.attributes[1]", OnlyError(profile).Path);
    }

    [Fact]
    public void Resource_and_scope_attribute_keys_must_be_unique()
    {
        var data = Place(OnCpu());
        data.ResourceProfiles[1].Resource.Attributes.Add(new KeyValue("service.name", AnyValue.String("other")));
        data.ResourceProfiles[1].ScopeProfiles[1].Scope.Attributes.Add(new KeyValue("pprof.scope.sample_type_order", AnyValue.Array([])));

        Assert.Equal(
            ["resourceProfiles[1].resource.attributes[1]", "resourceProfiles[1].scopeProfiles[1].scope.attributes[1]"],
            OtlpValidator.Validate(data).Select(e => e.Path));
    }

    [Fact]
    public void One_profile_is_validated_where_it_sits_with_its_resource_and_scope()
    {
        var profile = OnCpu();
        profile.Samples[1].TimestampsUnixNano.Clear();
        var data = Place(profile);
        data.ResourceProfiles[1].Resource.Attributes.Add(new KeyValue("service.name", AnyValue.String("other")));

        Assert.Equal(
            ["resourceProfiles[1].resource.attributes[1]", $"{Target}.samples[1]"],
            OtlpValidator.ValidateProfile(data, 1, 1, 2).Select(e => e.Path));
        Assert.Equal(["resourceProfiles[1].resource.attributes[1]"], OtlpValidator.ValidateProfile(data, 1, 0, 0).Select(e => e.Path));
        Assert.Empty(OtlpValidator.ValidateProfile(data, 0, 0, 0));
    }

    [Fact]
    public void A_location_shared_by_two_profiles_is_reported_for_each_when_validated_one_by_one()
    {
        var broken = OnCpu();
        broken.Samples[0].Stack.Locations[0].Lines[0].Function = new O.Function();
        var neighbour = OnCpu();
        neighbour.Samples[0].Stack.Locations[0] = broken.Samples[0].Stack.Locations[0];
        var data = Place(broken);
        data.ResourceProfiles[1].ScopeProfiles[1].Profiles[1] = neighbour;

        Assert.Equal(
            ["resourceProfiles[1].scopeProfiles[1].profiles[1].samples[0].stack.locations[0].lines[0].function"],
            OtlpValidator.ValidateProfile(data, 1, 1, 1).Select(e => e.Path));
        Assert.Equal([$"{Target}.samples[0].stack.locations[0].lines[0].function"], OtlpValidator.ValidateProfile(data, 1, 1, 2).Select(e => e.Path));
        Assert.Single(OtlpValidator.Validate(data)); // the whole request reports the shared location once
    }

    [Fact]
    public void Validating_one_profile_needs_indices_that_name_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OtlpValidator.ValidateProfile(Place(OnCpu()), 1, 1, 3));
    }

    [Fact]
    public void A_link_needs_a_16_byte_trace_id()
    {
        var profile = OnCpu();
        profile.Samples[0].Link = new Link(new byte[15], [1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Equal($"{Target}.samples[0].link.traceId: a trace ID must be 16 bytes; it has 15", OnlyError(profile).ToString());
    }

    [Fact]
    public void A_link_needs_an_8_byte_span_id()
    {
        var profile = OnCpu();
        profile.Samples[1].Link = new Link(new byte[16], new byte[9]);

        Assert.Equal($"{Target}.samples[1].link.spanId", OnlyError(profile).Path);
    }

    [Theory]
    [InlineData(8, 1)]
    [InlineData(16, 0)]
    public void A_profile_id_must_be_empty_or_16_bytes_not_all_zero(int length, byte fill)
    {
        var profile = OnCpu();
        profile.ProfileId = Enumerable.Repeat(fill, length).ToArray();

        Assert.Equal($"{Target}.profileId", OnlyError(profile).Path);
    }

    [Fact]
    public void A_16_byte_profile_id_is_valid()
    {
        var profile = OnCpu();
        profile.ProfileId = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

        Assert.Empty(Validate(profile));
    }

    [Fact]
    public void An_original_payload_format_needs_a_payload()
    {
        var profile = OnCpu();
        profile.OriginalPayloadFormat = "pprof";

        Assert.Equal($"{Target}.originalPayload", OnlyError(profile).Path);
    }

    [Fact]
    public void An_original_payload_needs_its_format()
    {
        var profile = OnCpu();
        profile.OriginalPayload = [0x1f, 0x8b];

        Assert.Equal($"{Target}.originalPayloadFormat", OnlyError(profile).Path);
    }

    [Fact]
    public void Timestamps_must_lie_in_the_profile_window_whose_end_is_exclusive()
    {
        var profile = OnCpu();
        profile.Samples[0].TimestampsUnixNano[1] = Start + Window;
        profile.Samples[1].TimestampsUnixNano[0] = Start - 1;

        Assert.Equal(
            [$"{Target}.samples[0].timestampsUnixNano[1]", $"{Target}.samples[1].timestampsUnixNano[0]"],
            Validate(profile).Select(e => e.Path));
    }

    [Fact]
    public void Timestamps_are_not_checked_when_the_profile_has_no_duration()
    {
        var profile = OnCpu();
        profile.DurationNano = 0;
        profile.Samples[0].TimestampsUnixNano[1] = Start + Window;

        Assert.Empty(Validate(profile));
    }

    [Fact]
    public void A_function_needs_a_name_a_system_name_or_a_file_name()
    {
        var profile = OnCpu();
        var function = profile.Samples[0].Stack.Locations[1].Lines[0].Function!;
        function.Name = string.Empty;

        Assert.Equal($"{Target}.samples[0].stack.locations[1].lines[0].function", OnlyError(profile).Path);
    }

    [Fact]
    public void A_period_needs_a_period_type()
    {
        var profile = OnCpu();
        profile.PeriodType = null;

        Assert.Equal($"{Target}.periodType", OnlyError(profile).Path);
    }

    [Fact]
    public void A_mapping_without_a_build_id_is_not_reported_because_that_is_only_a_should()
    {
        var profile = OnCpu();
        profile.Samples[0].Stack.Locations[0].Mapping!.Attributes.Clear();

        Assert.Empty(Validate(profile));
    }

    [Fact]
    public void Every_violation_is_reported_not_just_the_first()
    {
        var profile = OnCpu();
        profile.PeriodType = null;
        profile.Samples[1].TimestampsUnixNano.Clear();
        profile.Samples[0].Link = new Link(new byte[16], new byte[4]);

        Assert.Equal(
            [$"{Target}.periodType", $"{Target}.samples[0].link.spanId", $"{Target}.samples[1]"],
            Validate(profile).Select(e => e.Path));
    }
}
