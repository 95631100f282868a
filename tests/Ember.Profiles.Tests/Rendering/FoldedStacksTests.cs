using Ember.Profiles.Pprof;
using Ember.Profiles.Rendering;

namespace Ember.Profiles.Tests.Rendering;

public class FoldedStacksTests
{
    private static Profile Workload() => new StackProfile(new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds"))
        .Add("main.main;main.compute;main.hotLoop", 7, 70)
        .Add("main.main;main.compute", 1, 10)
        .Add("runtime.gcBgMarkWorker", 2, 20)
        .Add("main.main;main.compute;main.hotLoop", 3, 30)
        .Add("main.main;main.idle", 0, 0)
        .Profile;

    [Fact]
    public void Writes_one_sorted_line_per_distinct_stack_with_its_summed_value()
    {
        const string expected = """
            main.main;main.compute 10
            main.main;main.compute;main.hotLoop 100
            runtime.gcBgMarkWorker 20

            """;

        Assert.Equal(expected, FoldedStacks.Write(Workload()));
    }

    [Fact]
    public void The_sample_type_index_selects_the_value_written()
    {
        const string expected = """
            main.main;main.compute 1
            main.main;main.compute;main.hotLoop 10
            runtime.gcBgMarkWorker 2

            """;

        Assert.Equal(expected, FoldedStacks.Write(Workload(), sampleTypeIndex: 0));
    }

    [Fact]
    public void Stacks_whose_values_cancel_out_are_omitted()
    {
        var profile = new StackProfile().Add("a;b", 5).Add("a;b", -5).Add("a", 1).Profile;

        Assert.Equal("a 1\n", FoldedStacks.Write(profile));
    }

    [Fact]
    public void Semicolons_and_line_breaks_in_frame_names_are_sanitized()
    {
        var profile = new Profile();
        profile.SampleTypes.Add(new ProfileValueType("samples", "count"));
        var location = new Location();
        location.Lines.Add(new Line { Function = new Function { Name = "operator;weird\r\nname" } });
        profile.Samples.Add(new Sample { Locations = { location }, Values = { 3 } });

        Assert.Equal("operator:weird  name 3\n", FoldedStacks.Write(profile));
    }

    [Fact]
    public void Reading_what_was_written_writes_the_same_text_again()
    {
        var written = FoldedStacks.Write(Workload());

        Assert.Equal(written, FoldedStacks.Write(FoldedStacks.Read(written)));
    }

    [Fact]
    public void Read_builds_leaf_first_stacks_sharing_one_function_per_name()
    {
        var profile = FoldedStacks.Read("main;work;hot 7\r\n\nmain;work 2\n", new ProfileValueType("cpu", "nanoseconds"));

        Assert.Equal([new ProfileValueType("cpu", "nanoseconds")], profile.SampleTypes);
        Assert.Equal(2, profile.Samples.Count);
        Assert.Equal(["hot", "work", "main"], profile.Samples[0].Locations.Select(l => l.Lines.Single().Function!.Name));
        Assert.Equal([7L], profile.Samples[0].Values);
        Assert.Same(profile.Samples[0].Locations[1], profile.Samples[1].Locations[0]);
        Assert.Equal(3, profile.Functions.Count);
        Assert.Equal(3, profile.Locations.Count);
    }

    [Fact]
    public void Read_defaults_to_samples_count()
    {
        Assert.Equal([new ProfileValueType("samples", "count")], FoldedStacks.Read("a 1").SampleTypes);
    }

    [Theory]
    [InlineData("main;work", "folded stacks line 2: expected 'frame;frame;... value'")]
    [InlineData("main;work many", "folded stacks line 2: value 'many' is not an integer")]
    [InlineData("main;work 1.5", "folded stacks line 2: value '1.5' is not an integer")]
    [InlineData("main;work 99999999999999999999", "folded stacks line 2: value '99999999999999999999' is not an integer")]
    [InlineData("main;;work 3", "folded stacks line 2: frame 2 is empty")]
    [InlineData(" 3", "folded stacks line 2: expected 'frame;frame;... value'")]
    public void Malformed_lines_are_rejected_naming_the_line(string badLine, string message)
    {
        var error = Assert.Throws<ProfileFormatException>(() => FoldedStacks.Read("main 1\n" + badLine + "\nmain 2\n"));

        Assert.Equal(message, error.Message);
    }
}
