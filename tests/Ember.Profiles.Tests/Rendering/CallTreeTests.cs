using Ember.Profiles.Pprof;
using Ember.Profiles.Rendering;

namespace Ember.Profiles.Tests.Rendering;

public class CallTreeTests
{
    private static readonly ProfileValueType Samples = new("samples", "count");
    private static readonly ProfileValueType Cpu = new("cpu", "nanoseconds");

    /// <summary>Values: samples/count first, cpu/nanoseconds second (10 ms per sample).</summary>
    private static Profile Workload() => new StackProfile(Samples, Cpu)
        .Add("main;compute;hotLoop", 7, 70_000_000)
        .Add("main;compute", 1, 10_000_000)
        .Add("main;io;read", 1, 15_000_000)
        .Add("main", 1, 5_000_000)
        .Profile;

    [Fact]
    public void Totals_and_self_values_add_up_along_each_call_path()
    {
        var tree = CallTree.Build(Workload(), 1);

        // By hand: all = 70+10+15+5 = 100 ms; main self 5; compute = 70+10, self 10; io = 15, self 0.
        AssertNode(tree.Root, 100_000_000, 0);
        var main = tree.Root.Child("main")!;
        AssertNode(main, 100_000_000, 5_000_000);
        AssertNode(main.Child("compute")!, 80_000_000, 10_000_000);
        AssertNode(main.Child("compute")!.Child("hotLoop")!, 70_000_000, 70_000_000);
        AssertNode(main.Child("io")!, 15_000_000, 0);
        AssertNode(main.Child("io")!.Child("read")!, 15_000_000, 15_000_000);
        Assert.Equal(["compute", "io"], main.Children.Select(c => c.Name));
        Assert.Equal(100_000_000, tree.Total);
        Assert.Equal(Cpu, tree.SampleType);
    }

    [Fact]
    public void The_sample_type_index_selects_which_value_is_summed()
    {
        var tree = CallTree.Build(Workload(), 0);

        Assert.Equal(10, tree.Total);
        AssertNode(tree.Root.Child("main")!.Child("compute")!, 8, 1);
        Assert.Equal(Samples, tree.SampleType);
    }

    [Fact]
    public void Without_an_index_the_default_sample_type_is_used_else_the_last()
    {
        var profile = Workload();
        Assert.Equal(1, CallTree.DefaultSampleTypeIndex(profile));
        Assert.Equal(100_000_000, CallTree.Build(profile).Total);

        profile.DefaultSampleType = "samples";
        Assert.Equal(0, CallTree.DefaultSampleTypeIndex(profile));
        Assert.Equal(10, CallTree.Build(profile).Total);

        profile.DefaultSampleType = "no-such-type";
        Assert.Equal(1, CallTree.DefaultSampleTypeIndex(profile));
    }

    [Fact]
    public void Children_are_ordered_by_ordinal_name()
    {
        var tree = CallTree.Build(new StackProfile().Add("b", 1).Add("a", 1).Add("B", 1).Add("_", 1).Profile);

        Assert.Equal(["B", "_", "a", "b"], tree.Root.Children.Select(c => c.Name));
    }

    [Fact]
    public void Zero_valued_samples_add_no_nodes_and_negative_ones_subtract()
    {
        var tree = CallTree.Build(new StackProfile().Add("main;idle", 0).Add("main;work", 5).Add("main;work", -2).Profile);

        var main = tree.Root.Child("main")!;
        Assert.Null(main.Child("idle"));
        AssertNode(main.Child("work")!, 3, 3);
    }

    [Fact]
    public void Inlined_lines_expand_into_frames_with_the_last_line_outermost()
    {
        var profile = new Profile();
        profile.SampleTypes.Add(Samples);
        var location = new Location { Address = 0x4010 };
        foreach (var name in new[] { "inlinedLeaf", "inlinedMiddle", "outerCaller" })
        {
            location.Lines.Add(new Line { Function = new Function { Name = name } });
        }

        var caller = new Location { Address = 0x5000 };
        caller.Lines.Add(new Line { Function = new Function { Name = "main" } });
        var sample = new Sample { Locations = { location, caller } };
        sample.Values.Add(4);
        profile.Samples.Add(sample);

        var tree = CallTree.Build(profile);

        var leaf = tree.Root.Child("main")?.Child("outerCaller")?.Child("inlinedMiddle")?.Child("inlinedLeaf");
        Assert.NotNull(leaf);
        AssertNode(leaf, 4, 4);
        AssertNode(tree.Root.Child("main")!.Child("outerCaller")!, 4, 0);
    }

    [Fact]
    public void Frames_without_a_function_name_are_named_by_system_name_then_mapping_and_offset_then_address()
    {
        var libc = new Mapping { MemoryStart = 0x7f00_0000_0000, MemoryLimit = 0x7f00_0010_0000, FileOffset = 0x28000, FileName = "/usr/lib/libc.so.6" };
        var libssl = new Mapping { MemoryStart = 0x7f10_0000_0000, MemoryLimit = 0x7f10_0010_0000, FileName = "/usr/lib/libssl.so.3" };
        var stripped = new Mapping { MemoryStart = 0x400000, MemoryLimit = 0x500000, BuildId = "ab12cd" };
        var profile = new Profile();
        profile.SampleTypes.Add(Samples);
        AddSample(profile, 1, new Location { Mapping = libc, Address = 0x7f00_0000_1234 });
        AddSample(profile, 2, WithFunction(new Location { Mapping = libssl, Address = 0x7f10_0000_0010 }, new Function { Name = "[unknown]" }));
        AddSample(profile, 3, WithFunction(new Location { Mapping = libc, Address = 0x7f00_0000_0001 }, new Function { SystemName = "_ZN3fooEv" }));
        AddSample(profile, 4, new Location { Address = 0xdeadbeef });
        AddSample(profile, 5, WithFunction(new Location { Mapping = stripped, Address = 0x401000 }, new Function()));
        AddSample(profile, 6, new Location());

        var tree = CallTree.Build(profile);

        // By hand: 0x7f0000001234 - 0x7f0000000000 + 0x28000 = 0x29234; 0x7f1000000010 - 0x7f1000000000 + 0 = 0x10.
        Assert.Equal(
            ["/usr/lib/libc.so.6+0x29234", "/usr/lib/libssl.so.3+0x10", "0xdeadbeef", "[unknown]", "_ZN3fooEv", "ab12cd+0x1000"],
            tree.Root.Children.Select(c => c.Name));
        Assert.Equal(2, tree.Root.Child("/usr/lib/libssl.so.3+0x10")!.Total);
        Assert.Equal(6, tree.Root.Child("[unknown]")!.Total);
    }

    [Fact]
    public void A_sample_whose_value_count_differs_from_the_sample_types_is_rejected()
    {
        var profile = new StackProfile(Samples, Cpu).Add("main", 1, 2).Add("main;oops", 1).Profile;

        var error = Assert.Throws<ArgumentException>(() => CallTree.Build(profile));
        Assert.Contains("sample 1 has 1 values but the profile has 2 sample types", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_outside_the_sample_types_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CallTree.Build(Workload(), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => CallTree.Build(Workload(), -1));
        Assert.Throws<ArgumentException>(() => CallTree.Build(new Profile()));
    }

    [Fact]
    public void Diff_lines_up_call_paths_with_raw_values_and_shares_of_each_side()
    {
        var before = CallTree.Build(new StackProfile().Add("main;a", 30).Add("main;b", 70).Profile);
        var after = CallTree.Build(new StackProfile().Add("main;a", 120).Add("main;c", 60).Add("main", 20).Profile);

        var diff = CallTree.Diff(before, after);

        // By hand: before total 100, after total 200.
        var main = diff.Root.Child("main")!;
        Assert.Equal(new CallTreeMeasure(100, 0, 1.0, 0.0), main.Before);
        Assert.Equal(new CallTreeMeasure(200, 20, 1.0, 0.1), main.After);
        Assert.Equal(["a", "b", "c"], main.Children.Select(c => c.Name));

        var a = main.Child("a")!;
        Assert.Equal(new CallTreeMeasure(30, 30, 0.3, 0.3), a.Before);
        Assert.Equal(new CallTreeMeasure(120, 120, 0.6, 0.6), a.After);
        Assert.Equal(0.3, a.TotalShareDelta, 12);

        var b = main.Child("b")!;
        Assert.Equal(new CallTreeMeasure(70, 70, 0.7, 0.7), b.Before);
        Assert.Equal(default, b.After);
        Assert.Equal(-0.7, b.TotalShareDelta, 12);

        var c = main.Child("c")!;
        Assert.Equal(default, c.Before);
        Assert.Equal(new CallTreeMeasure(60, 60, 0.3, 0.3), c.After);
        Assert.Equal(100, diff.Root.Before.Total);
        Assert.Equal(200, diff.Root.After.Total);
    }

    [Fact]
    public void Diff_against_an_empty_profile_has_zero_shares_on_that_side()
    {
        var empty = CallTree.Build(new StackProfile().Profile);
        var after = CallTree.Build(new StackProfile().Add("main", 5).Profile);

        var diff = CallTree.Diff(empty, after);

        Assert.Equal(default, diff.Root.Child("main")!.Before);
        Assert.Equal(1.0, diff.Root.Child("main")!.After.TotalShare);
    }

    [Fact]
    public void A_50k_sample_profile_over_5k_functions_keeps_every_sample_in_the_tree_and_the_diff()
    {
        var before = CallTree.Build(LargeProfile(seed: 1, 50_000));
        var after = CallTree.Build(LargeProfile(seed: 2, 50_000));

        var diff = CallTree.Diff(before, after);

        Assert.Equal(50_000, before.Total);
        Assert.Equal(50_000, diff.Root.After.Total);
        Assert.Equal(50_000, diff.Root.Before.Total);
        Assert.Equal(before.Root.Total, before.Root.Children.Sum(c => c.Total) + before.Root.Self);
    }

    /// <summary>
    /// Samples over 5,000 functions: a 15-frame common prefix, then 5 frames drawn at random, so the
    /// tree fans out up to 5,000 wide and (for 50,000 samples) holds about 200,000 call paths.
    /// </summary>
    private static Profile LargeProfile(int seed, int samples)
    {
        var random = new Random(seed);
        var profile = new Profile();
        profile.SampleTypes.Add(Samples);
        var locations = Enumerable.Range(0, 5000).Select(i =>
        {
            var function = new Function { Name = $"pkg{i % 50}.func{i}" };
            var location = new Location { Address = (ulong)(0x1000 + i) };
            location.Lines.Add(new Line { Function = function });
            profile.Functions.Add(function);
            profile.Locations.Add(location);
            return location;
        }).ToArray();
        for (var s = 0; s < samples; s++)
        {
            var sample = new Sample();
            sample.Values.Add(1);
            for (var depth = 0; depth < 20; depth++)
            {
                sample.Locations.Add(locations[depth < 5 ? random.Next(locations.Length) : depth]);
            }

            profile.Samples.Add(sample);
        }

        return profile;
    }

    private static void AssertNode(CallTreeNode node, long total, long self)
    {
        Assert.Equal(total, node.Total);
        Assert.Equal(self, node.Self);
    }

    private static Location WithFunction(Location location, Function function)
    {
        location.Lines.Add(new Line { Function = function });
        return location;
    }

    private static void AddSample(Profile profile, long value, Location location)
    {
        var sample = new Sample { Locations = { location } };
        sample.Values.Add(value);
        profile.Samples.Add(sample);
    }
}
