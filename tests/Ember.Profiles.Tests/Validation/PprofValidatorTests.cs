using Ember.Profiles.Tests.Conversion;
using Ember.Profiles.Validation;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Tests.Validation;

/// <summary>
/// One test per rule: a valid fixture is broken in exactly one way and exactly that violation, with
/// its path, must come back. Fixture indices: see <see cref="PprofFixtures.Cpu"/>.
/// </summary>
public class PprofValidatorTests
{
    private static ValidationError OnlyError(P.Profile profile) => Assert.Single(PprofValidator.Validate(profile));

    [Fact]
    public void Valid_profiles_have_no_violations()
    {
        Assert.Empty(PprofValidator.Validate(PprofFixtures.Cpu()));
        Assert.Empty(PprofValidator.Validate(PprofFixtures.Heap()));
        Assert.Empty(PprofValidator.Validate(new P.Profile()));
    }

    [Fact]
    public void Samples_without_sample_types_are_reported_once()
    {
        var profile = PprofFixtures.Cpu();
        profile.SampleTypes.Clear();

        var error = OnlyError(profile);

        Assert.Equal("sampleTypes", error.Path);
        Assert.Contains("no sample types", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sample_needs_exactly_one_value_per_sample_type()
    {
        var profile = PprofFixtures.Cpu();
        profile.Samples[1].Values.Add(9);

        var error = OnlyError(profile);

        Assert.Equal("samples[1].values", error.Path);
        Assert.Contains("3 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_location_in_a_sample_is_reported()
    {
        var profile = PprofFixtures.Cpu();
        profile.Samples[0].Locations[1] = null!;

        Assert.Equal("samples[0].locations[1]: is null", OnlyError(profile).ToString());
    }

    [Fact]
    public void A_null_sample_is_reported()
    {
        var profile = PprofFixtures.Cpu();
        profile.Samples[3] = null!;

        Assert.Equal("samples[3]: is null", OnlyError(profile).ToString());
    }

    [Fact]
    public void A_location_reached_from_a_sample_must_be_listed_in_locations()
    {
        var profile = PprofFixtures.Cpu();
        profile.Locations.RemoveAt(9); // the kernel's schedule frame, leaf of samples[4]

        var error = OnlyError(profile);

        Assert.Equal("samples[4].locations[0]", error.Path);
        Assert.Contains("not listed in locations", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_locations_mapping_must_be_listed_in_mappings()
    {
        var profile = PprofFixtures.Cpu();
        profile.Mappings.RemoveAt(2); // [vdso], mapping of locations[8]

        var error = OnlyError(profile);

        Assert.Equal("locations[8].mapping", error.Path);
        Assert.Contains("not listed in mappings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lines_function_must_be_listed_in_functions()
    {
        var profile = PprofFixtures.Cpu();
        profile.Functions.RemoveAt(3); // checkout.computeTax, inlined first line of locations[2]

        var error = OnlyError(profile);

        Assert.Equal("locations[2].lines[0].function", error.Path);
        Assert.Contains("not listed in functions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mapping_must_not_start_above_its_limit()
    {
        var profile = PprofFixtures.Cpu();
        (profile.Mappings[3].MemoryStart, profile.Mappings[3].MemoryLimit) = (profile.Mappings[3].MemoryLimit, profile.Mappings[3].MemoryStart);

        Assert.Equal(
            "mappings[3]: memory start 0xffffffff83000000 is above memory limit 0xffffffff81000000",
            OnlyError(profile).ToString());
    }

    [Fact]
    public void An_address_at_or_past_its_mappings_limit_is_reported()
    {
        var profile = PprofFixtures.Cpu();
        profile.Locations[7].Address = profile.Mappings[1].MemoryLimit;

        var error = OnlyError(profile);

        Assert.Equal("locations[7].address", error.Path);
        Assert.Contains("outside its mapping [0x7f3a12000000, 0x7f3a12200000)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_address_below_its_mappings_start_is_reported()
    {
        var profile = PprofFixtures.Cpu();
        profile.Locations[0].Address = 0x3fffff;

        Assert.Equal("locations[0].address", OnlyError(profile).Path);
    }

    [Fact]
    public void Address_zero_and_mappings_without_a_range_are_tolerated()
    {
        var profile = PprofFixtures.Cpu();
        profile.Locations[7].Address = 0;
        profile.Mappings[2].MemoryStart = 0;
        profile.Mappings[2].MemoryLimit = 0;

        Assert.Empty(PprofValidator.Validate(profile));
    }

    [Fact]
    public void A_label_with_both_a_string_and_a_number_is_reported()
    {
        var profile = PprofFixtures.Cpu();
        profile.Samples[0].Labels[0] = new P.Label("http.route", "/checkout", 5);

        var error = OnlyError(profile);

        Assert.Equal("samples[0].labels[0]", error.Path);
        Assert.Contains("one or the other", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_string_label_with_a_numeric_unit_is_reported()
    {
        var profile = PprofFixtures.Cpu();
        profile.Samples[1].Labels[0] = new P.Label("http.route", "/checkout", NumUnit: "bytes");

        Assert.Equal("samples[1].labels[0]", OnlyError(profile).Path);
    }

    [Fact]
    public void An_empty_label_key_is_reported()
    {
        var profile = PprofFixtures.Cpu();
        profile.Samples[2].Labels[0] = P.Label.String(string.Empty, "acme");

        Assert.Equal("samples[2].labels[0].key: the label key is empty", OnlyError(profile).ToString());
    }

    [Fact]
    public void A_period_needs_a_period_type()
    {
        var profile = PprofFixtures.Cpu();
        profile.PeriodType = null;

        Assert.Equal("periodType", OnlyError(profile).Path);
    }

    [Fact]
    public void The_default_sample_type_must_name_a_sample_type()
    {
        var profile = PprofFixtures.Heap();
        profile.DefaultSampleType = "space";

        Assert.Equal("defaultSampleType: 'space' is not the type of any sample type", OnlyError(profile).ToString());
    }

    [Fact]
    public void A_negative_duration_is_reported()
    {
        var profile = PprofFixtures.Cpu();
        profile.DurationNanos = -1;

        Assert.Equal("durationNanos", OnlyError(profile).Path);
    }

    [Fact]
    public void Every_violation_is_reported_not_just_the_first()
    {
        var profile = PprofFixtures.Cpu();
        profile.DurationNanos = -1;
        profile.Samples[5].Values.RemoveAt(0);
        profile.Samples[2].Labels[3] = P.Label.String(string.Empty, "x");

        var errors = PprofValidator.Validate(profile);

        Assert.Equal(["durationNanos", "samples[2].labels[3].key", "samples[5].values"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }
}
