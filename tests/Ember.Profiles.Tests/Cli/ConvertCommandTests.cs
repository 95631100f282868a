using Ember.Bridge.Cli;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Ember.TestSupport;
using Ember.Profiles.Validation;

namespace Ember.Profiles.Tests.Cli;

/// <summary><c>ember-bridge convert</c> end to end, judged by go tool pprof and Chromium-free checks.</summary>
public class ConvertCommandTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-convert-").FullName;

    [Theory]
    [InlineData("cpu.otlp")]
    [InlineData("cpu.json")]
    public void Go_cpu_profile_through_OTLP_and_back_reads_the_same_in_go_tool_pprof(string intermediate)
    {
        var original = GoPeer.RuntimeProfiles.CpuProfile;
        var otlp = Path.Combine(_directory, intermediate);
        var back = Path.Combine(_directory, "back.pb.gz");

        Assert.Equal(0, Run("convert", original, otlp).ExitCode);
        Assert.Equal(0, Run("convert", otlp, back).ExitCode);

        Assert.Equal(GoPeer.Pprof("-top", "-nodecount=100000", original), GoPeer.Pprof("-top", "-nodecount=100000", back));
    }

    [Fact]
    public void Go_heap_profile_through_OTLP_keeps_every_sample_type_for_go_tool_pprof()
    {
        var original = GoPeer.RuntimeProfiles.HeapProfile;
        var otlp = Path.Combine(_directory, "heap.otlp");
        var back = Path.Combine(_directory, "heap.pb.gz");

        Assert.Equal(0, Run("convert", original, otlp).ExitCode);
        Assert.Equal(0, Run("convert", otlp, back).ExitCode);

        var data = OtlpCodec.Decode(File.ReadAllBytes(otlp));
        Assert.Equal(4, data.ProfileCount);
        Assert.Empty(OtlpValidator.Validate(data));
        foreach (var index in new[] { "alloc_objects", "alloc_space", "inuse_objects", "inuse_space" })
        {
            Assert.Equal(
                GoPeer.Pprof("-top", "-nodecount=100000", "-sample_index=" + index, original),
                GoPeer.Pprof("-top", "-nodecount=100000", "-sample_index=" + index, back));
        }
    }

    [Fact]
    public void The_built_executable_converts_and_reports_what_it_wrote()
    {
        var output = Path.Combine(_directory, "cpu.folded");
        var bridge = Path.Combine(AppContext.BaseDirectory, "ember-bridge.dll");

        var result = ExternalProcess.Run("dotnet", [bridge, "convert", GoPeer.RuntimeProfiles.CpuProfile, output]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("wrote", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(File.ReadAllLines(output), line => line.Contains("main.hotLoop", StringComparison.Ordinal));
    }

    [Fact]
    public void Html_and_diff_html_are_written_from_the_extension()
    {
        var html = Path.Combine(_directory, "cpu.html");
        var diff = Path.Combine(_directory, "diff.html");
        var cpu = GoPeer.RuntimeProfiles.CpuProfile;

        Assert.Equal(0, Run("convert", cpu, html).ExitCode);
        Assert.Equal(0, Run("convert", cpu, diff, "--diff-base", cpu).ExitCode);

        Assert.Contains("main.hotLoop", File.ReadAllText(html), StringComparison.Ordinal);
        Assert.Contains("main.hotLoop", File.ReadAllText(diff), StringComparison.Ordinal);
    }

    [Fact]
    public void Folded_input_is_sniffed_without_an_extension()
    {
        var folded = Path.Combine(_directory, "stacks");
        File.WriteAllText(folded, "main;work;hot 7\nmain;idle 3\n");
        var output = Path.Combine(_directory, "out.pb.gz");

        Assert.Equal(0, Run("convert", folded, output).ExitCode);

        var profile = PprofCodec.ReadFile(output);
        Assert.Equal(10, profile.Samples.Sum(s => s.Values[0]));
    }

    [Theory]
    [InlineData("--to", "svg")]
    [InlineData("--from", "html")]
    public void Unknown_formats_are_usage_errors_with_exit_code_2(string option, string value)
    {
        var result = Run("convert", GoPeer.RuntimeProfiles.CpuProfile, Path.Combine(_directory, "x.pb.gz"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"'{value}'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_name_without_a_known_extension_needs_to()
    {
        var result = Run("convert", GoPeer.RuntimeProfiles.CpuProfile, Path.Combine(_directory, "profile.bin"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("use --to pprof|otlp|otlp-json|folded|html", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_arguments_are_usage_errors()
    {
        Assert.Equal(2, Run("convert").ExitCode);
        Assert.Equal(2, Run("no-such-command").ExitCode);
    }

    [Fact]
    public void A_corrupt_file_fails_with_exit_code_1_and_the_parser_message()
    {
        var bad = Path.Combine(_directory, "bad.pb.gz");
        File.WriteAllBytes(bad, [0x32, 0x05, 0x61]);

        var result = Run("convert", bad, Path.Combine(_directory, "out.otlp"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad.pb.gz: pprof Profile: length 5 exceeds the 1 bytes left at offset 1", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "out.otlp")));
    }

    [Fact]
    public void A_missing_input_file_fails_with_exit_code_1()
    {
        var result = Run("convert", Path.Combine(_directory, "absent.pb.gz"), Path.Combine(_directory, "out.otlp"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("absent.pb.gz", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_describes_convert_and_its_formats()
    {
        var result = Run("convert", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--diff-base", result.Output, StringComparison.Ordinal);
        Assert.Contains("pprof|otlp|otlp-json|folded|html", result.Output, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = BridgeCommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
