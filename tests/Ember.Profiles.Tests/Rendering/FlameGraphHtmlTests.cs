using System.Text.RegularExpressions;
using Ember.Profiles.Pprof;
using Ember.Profiles.Rendering;

namespace Ember.Profiles.Tests.Rendering;

public class FlameGraphHtmlTests
{
    private const string HostileName = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";
    private const string ScriptBreakout = "</script><script>document.body.setAttribute('data-pwned','2')</script>";
    private const string CppTemplate = "std::vector<int, std::allocator<int>>::push_back(int&&) \"quoted\" & 'single'";

    /// <summary>100 samples: main.hotLoop 70, main.compute 20, runtime.gcBgMarkWorker 10.</summary>
    private static Profile HotLoop() => new StackProfile()
        .Add("main.main;main.hotLoop", 70)
        .Add("main.main;main.compute", 20)
        .Add("runtime.goexit;runtime.gcBgMarkWorker", 10)
        .Profile;

    private static Profile Hostile() => new StackProfile()
        .Add("main.main;" + HostileName, 5)
        .Add("main.main;" + ScriptBreakout, 3)
        .Add("main.main;" + CppTemplate, 2)
        .Profile;

    [Fact]
    public void The_page_references_nothing_outside_itself()
    {
        foreach (var html in new[] { FlameGraphHtml.Render(HotLoop()), FlameGraphHtml.RenderDiff(HotLoop(), HotLoop()) })
        {
            Assert.DoesNotMatch(new Regex("https?://|//[a-z0-9.-]+/|\\bsrc\\s*=|\\bhref\\s*=|url\\(|@import|<link|<iframe|<object|<embed", RegexOptions.IgnoreCase), html);
            Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Function_names_are_embedded_as_escaped_json_and_never_as_markup()
    {
        var html = FlameGraphHtml.Render(Hostile());

        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("allocator<int>", html, StringComparison.Ordinal);
        // Exactly the page's own two script elements: the data and the code.
        Assert.Equal(2, Regex.Count(html, "<script", RegexOptions.IgnoreCase));
        Assert.Equal(2, Regex.Count(html, "</script", RegexOptions.IgnoreCase));
        Assert.Contains("\\u003Cimg src=x onerror=", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_title_is_escaped_and_defaults_by_kind()
    {
        Assert.Contains("<title>cpu &lt;b&gt; &amp; co</title>", FlameGraphHtml.Render(HotLoop(), new FlameGraphOptions { Title = "cpu <b> & co" }), StringComparison.Ordinal);
        Assert.Contains("<title>Flame graph</title>", FlameGraphHtml.Render(HotLoop()), StringComparison.Ordinal);
        Assert.Contains("<title>Diff flame graph</title>", FlameGraphHtml.RenderDiff(HotLoop(), HotLoop()), StringComparison.Ordinal);
    }

    [Fact]
    public void Call_paths_below_the_embedded_share_are_left_out_and_zero_keeps_them()
    {
        var profile = new StackProfile().Add("main;big", 999_999).Add("main;tiny", 1).Profile;

        Assert.DoesNotContain("\"tiny\"", FlameGraphHtml.Render(profile, new FlameGraphOptions { MinEmbeddedShare = 0.00001 }), StringComparison.Ordinal);
        Assert.Contains("\"leftOut\":1", FlameGraphHtml.Render(profile, new FlameGraphOptions { MinEmbeddedShare = 0.00001 }), StringComparison.Ordinal);
        Assert.Contains("\"tiny\"", FlameGraphHtml.Render(profile, new FlameGraphOptions { MinEmbeddedShare = 0 }), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.1, 0.0)]
    [InlineData(1.0, 0.0)]
    [InlineData(0.001, double.NaN)]
    public void Fractions_outside_zero_to_one_are_rejected(double minFrameWidth, double minEmbeddedShare)
    {
        var options = new FlameGraphOptions { MinFrameWidth = minFrameWidth, MinEmbeddedShare = minEmbeddedShare };

        Assert.Throws<ArgumentOutOfRangeException>(() => FlameGraphHtml.Render(HotLoop(), options));
        Assert.Throws<ArgumentOutOfRangeException>(() => FlameGraphHtml.RenderDiff(HotLoop(), HotLoop(), options));
    }

    [Fact]
    public void Chromium_draws_each_frame_as_an_element_with_its_name_width_and_shares()
    {
        var dom = HeadlessChromium.DumpDom(FlameGraphHtml.Render(HotLoop(), new FlameGraphOptions { Title = "checkout CPU" }));
        var frames = HeadlessChromium.Frames(dom).ToDictionary(f => f.Name);

        Assert.Equal(["all", "main.main", "main.compute", "main.hotLoop", "runtime.goexit", "runtime.gcBgMarkWorker"], frames.Keys);
        var hotLoop = frames["main.hotLoop"];
        Assert.Equal("70.00", hotLoop["data-pct"]);
        // 70 of main.main's 90.
        Assert.Equal("77.78", hotLoop["data-parent-pct"]);
        Assert.Equal("70", hotLoop["data-total"]);
        Assert.Equal("70", hotLoop["data-self"]);
        Assert.Equal(70.0, Percent(hotLoop.Style("width")), 6);
        // Children are laid out by name: main.compute (20) comes first, so main.hotLoop starts at 20%.
        Assert.Equal(20.0, Percent(hotLoop.Style("left")), 6);
        Assert.Equal("36px", hotLoop.Style("top"));
        Assert.Equal("90.00", frames["main.main"]["data-pct"]);
        Assert.Equal("0", frames["main.main"]["data-self"]);
        Assert.Equal(100.0, Percent(frames["all"].Style("width")), 6);
        Assert.Equal("checkout CPU", HeadlessChromium.TextOf(dom, "title"));
        Assert.Equal("samples (count) \u2014 total 100 count", HeadlessChromium.TextOf(dom, "subtitle"));
        Assert.Equal("Showing 6 frames.", HeadlessChromium.TextOf(dom, "status"));
    }

    [Fact]
    public void Chromium_renders_an_empty_profile_as_just_the_root()
    {
        var dom = HeadlessChromium.DumpDom(FlameGraphHtml.Render(new StackProfile(new ProfileValueType("cpu", "nanoseconds")).Profile));

        Assert.Equal(["all"], HeadlessChromium.Frames(dom).Select(f => f.Name));
        Assert.Equal("cpu (nanoseconds) \u2014 total 0 ns", HeadlessChromium.TextOf(dom, "subtitle"));
        Assert.Equal("Showing 1 frame.", HeadlessChromium.TextOf(dom, "status"));
    }

    [Fact]
    public void Chromium_shows_hostile_names_as_text_without_creating_elements_or_running_them()
    {
        var dom = HeadlessChromium.DumpDom(FlameGraphHtml.Render(Hostile()));
        var names = HeadlessChromium.Frames(dom).Select(f => f.Name).ToList();

        Assert.Contains(HostileName, names);
        Assert.Contains(ScriptBreakout, names);
        Assert.Contains(CppTemplate, names);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("<body[^>]*data-pwned", dom);
    }

    [Fact]
    public void Chromium_applies_a_search_from_the_fragment_highlighting_matches_and_summing_their_share()
    {
        var dom = HeadlessChromium.DumpDom(FlameGraphHtml.Render(HotLoop()), "#search=main%2E");
        var frames = HeadlessChromium.Frames(dom).ToDictionary(f => f.Name);

        Assert.Contains("match", frames["main.hotLoop"].Classes);
        Assert.Contains("match", frames["main.main"].Classes);
        Assert.DoesNotContain("match", frames["runtime.gcBgMarkWorker"].Classes);
        // main.main (90) contains the other matches, so they are not counted twice.
        Assert.Equal("Matched: 90.00% of total (90 count)", HeadlessChromium.TextOf(dom, "match"));
    }

    [Fact]
    public void Chromium_applies_a_regex_search_from_the_fragment()
    {
        var dom = HeadlessChromium.DumpDom(FlameGraphHtml.Render(HotLoop()), "#search=" + Uri.EscapeDataString("/^runtime\\.gc|hot/"));

        Assert.Equal("Matched: 80.00% of total (80 count)", HeadlessChromium.TextOf(dom, "match"));
    }

    [Fact]
    public void Chromium_zooms_to_the_frame_named_in_the_fragment()
    {
        var dom = HeadlessChromium.DumpDom(FlameGraphHtml.Render(HotLoop()), "#zoom=main.main");
        var frames = HeadlessChromium.Frames(dom).ToDictionary(f => f.Name);

        Assert.Equal(["all", "main.main", "main.compute", "main.hotLoop"], frames.Keys);
        Assert.Contains("ancestor", frames["all"].Classes);
        Assert.Equal(100.0, Percent(frames["main.main"].Style("width")), 6);
        // 70 of the 90 in view; shares of the whole profile do not change with zoom.
        Assert.Equal(77.7778, Percent(frames["main.hotLoop"].Style("width")), 6);
        Assert.Equal("70.00", frames["main.hotLoop"]["data-pct"]);
    }

    [Fact]
    public void Chromium_colours_grown_frames_red_shrunk_frames_blue_and_unchanged_ones_grey()
    {
        // Before: hotLoop 30%, parse 60%, idle 10% of 100. After: hotLoop 70%, parse 20%, idle 10% of 200.
        var before = new StackProfile().Add("main.main;main.hotLoop", 30).Add("main.main;main.parse", 60).Add("main.main;main.idle", 10).Profile;
        var after = new StackProfile().Add("main.main;main.hotLoop", 140).Add("main.main;main.parse", 40).Add("main.main;main.idle", 20).Profile;

        var dom = HeadlessChromium.DumpDom(FlameGraphHtml.RenderDiff(before, after));
        var frames = HeadlessChromium.Frames(dom).ToDictionary(f => f.Name);

        var hotLoop = frames["main.hotLoop"];
        Assert.Contains("grew", hotLoop.Classes);
        Assert.Equal("30.00", hotLoop["data-before-pct"]);
        Assert.Equal("70.00", hotLoop["data-pct"]);
        Assert.Equal("+40.00", hotLoop["data-delta-pct"]);
        Assert.Equal(70.0, Percent(hotLoop.Style("width")), 6);
        Assert.Equal("rgb(214, 39, 40)", hotLoop.Style("background-color"));

        var parse = frames["main.parse"];
        Assert.Contains("shrank", parse.Classes);
        Assert.Equal("-40.00", parse["data-delta-pct"]);
        Assert.Equal("rgb(31, 100, 200)", parse.Style("background-color"));

        Assert.Contains("same", frames["main.idle"].Classes);
        Assert.Equal("rgb(208, 208, 208)", frames["main.idle"].Style("background-color"));
        Assert.Contains("same", frames["main.main"].Classes);
        Assert.Equal("samples (count) \u2014 before: total 100 count, after: total 200 count", HeadlessChromium.TextOf(dom, "subtitle"));
    }

    [Fact]
    public void Chromium_pales_small_changes_draws_new_functions_red_and_counts_vanished_ones()
    {
        // hotLoop grows by 40 points (the largest change), helper by 2, newFunc appears with 8, oldFunc vanishes.
        var before = new StackProfile().Add("main;hotLoop", 30).Add("main;helper", 10).Add("main;parse", 55).Add("main;oldFunc", 5).Profile;
        var after = new StackProfile().Add("main;hotLoop", 70).Add("main;helper", 12).Add("main;newFunc", 8).Add("main;parse", 10).Profile;

        var dom = HeadlessChromium.DumpDom(FlameGraphHtml.RenderDiff(before, after));
        var frames = HeadlessChromium.Frames(dom).ToDictionary(f => f.Name);

        Assert.Contains("grew", frames["newFunc"].Classes);
        Assert.Equal("Showing 6 frames; 1 call path only in before, so without width.", HeadlessChromium.TextOf(dom, "status"));
        Assert.Contains("grew", frames["helper"].Classes);
        var strong = Rgb(frames["hotLoop"].Style("background-color"));
        var pale = Rgb(frames["helper"].Style("background-color"));
        Assert.True(pale.Green > strong.Green && pale.Blue > strong.Blue, $"a 2-point change ({pale}) should be paler than a 40-point one ({strong})");
    }

    [Fact]
    public void Chromium_draws_a_5000_function_profile_without_its_narrow_frames_until_zoomed()
    {
        // 50 packages of 100 functions: each package is 1% of the total, each function 0.01%.
        var builder = new StackProfile().Add("main;hot", 10_000);
        for (var i = 0; i < 5000; i++)
        {
            builder.Add($"main;pkg{i / 100:D2};func{i:D4}", 2);
        }

        var html = FlameGraphHtml.Render(builder.Profile);
        var dom = HeadlessChromium.DumpDom(html);

        Assert.Equal(["all", "main", "hot", .. Enumerable.Range(0, 50).Select(p => $"pkg{p:D2}")], HeadlessChromium.Frames(dom).Select(f => f.Name));
        Assert.Equal("Showing 53 frames; 5000 call paths narrower than 0.1% of the view not drawn (zoom in to see them).", HeadlessChromium.TextOf(dom, "status"));
        var zoomed = HeadlessChromium.Frames(HeadlessChromium.DumpDom(html, "#zoom=main/pkg07"));
        Assert.Equal(["all", "main", "pkg07", .. Enumerable.Range(700, 100).Select(f => $"func{f:D4}")], zoomed.Select(f => f.Name));
        Assert.Equal(1.0, Percent(zoomed[3].Style("width")), 6);
    }

    private static double Percent(string css) =>
        double.Parse(css.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);

    private static (int Red, int Green, int Blue) Rgb(string css)
    {
        var parts = Regex.Match(css, @"rgb\((\d+), (\d+), (\d+)\)").Groups;
        return (int.Parse(parts[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(parts[2].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(parts[3].Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
