using Ember.PowerShell.Tests.Module;
using Ember.Profiles.Otlp;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Tests.Profiles;

public sealed class ProfileIoTests : IDisposable
{
    private readonly ModuleHost _host = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-pwsh-io-").FullName;

    [Fact]
    public void Import_Profile_expands_wildcards_and_reads_each_format()
    {
        var profile = TestProfiles.Cpu(10, 1_700_000_000, ("main;hot", 6), ("main;cold", 3));
        File.WriteAllBytes(Path.Combine(_directory, "a.pb.gz"), Pprof.PprofCodec.EncodeGzip(profile));
        File.WriteAllBytes(Path.Combine(_directory, "b.pb.gz"), Pprof.PprofCodec.EncodeGzip(profile));
        File.WriteAllText(Path.Combine(_directory, "c.folded"), "main;hot 6\nmain;cold 3\n");

        var result = _host.Run($"Import-Profile -Path '{_directory}/*.pb.gz'; Import-Profile '{_directory}/c.folded'").ThrowOnErrors();

        Assert.Equal(["pprof", "pprof", "folded"], result.Output.Select(o => Invocation.Property<string>(o, "Format")));
        Assert.Equal(
            [Path.Combine(_directory, "a.pb.gz"), Path.Combine(_directory, "b.pb.gz"), Path.Combine(_directory, "c.folded")],
            result.Output.Select(o => Invocation.Property<string>(o, "Source")));
        Assert.All(result.Output, o => Assert.Equal(2, Invocation.Property<int>(o, "SampleCount")));
        Assert.Equal(TimeSpan.FromSeconds(10), Invocation.Property<TimeSpan>(result.Output[0], "Duration"));
    }

    [Fact]
    public void Import_Profile_binds_paths_and_PSPath_from_the_pipeline()
    {
        var path = TestProfiles.WriteTemp(TestProfiles.Cpu(1, 1, ("main", 1)), "x[1].pb.gz");

        // A string binds to -Path; an object with PSPath (what Get-ChildItem emits) binds to -LiteralPath,
        // which must not treat the brackets as a wildcard.
        var result = _host.Run("$p | Import-Profile; [pscustomobject]@{ PSPath = $p } | Import-Profile",
            new Dictionary<string, object?> { ["p"] = path });

        Assert.Single(result.Output);
        Assert.Equal(path, Invocation.Property<string>(result.Output[0], "Source"));
        var missing = Assert.Single(result.Errors);
        Assert.Equal("ProfileNotFound,Ember.PowerShell.Commands.ImportProfileCommand", missing.FullyQualifiedErrorId);
    }

    [Fact]
    public void Import_Profile_reports_a_corrupt_file_with_a_stable_error_id_and_the_path()
    {
        var path = Path.Combine(_directory, "bad.pb.gz");
        File.WriteAllBytes(path, [0x0a, 0xff, 0xff, 0xff]);

        var result = _host.Run($"Import-Profile -LiteralPath '{path}'; Import-Profile -LiteralPath '{_directory}/none.pb.gz'");

        Assert.Empty(result.Output);
        Assert.Equal(2, result.Errors.Count);
        Assert.Equal("ProfileParseFailed,Ember.PowerShell.Commands.ImportProfileCommand", result.Errors[0].FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, result.Errors[0].CategoryInfo.Category);
        Assert.Equal(path, result.Errors[0].TargetObject);
        Assert.Equal("ProfileNotFound,Ember.PowerShell.Commands.ImportProfileCommand", result.Errors[1].FullyQualifiedErrorId);
    }

    [Fact]
    public void Export_Profile_writes_each_format_that_reads_back_the_same_samples()
    {
        var source = TestProfiles.WriteTemp(TestProfiles.Cpu(10, 1_700_000_000, ("main;hot", 6), ("main;cold", 3)));
        _host.Run($"""
            $p = Import-Profile '{source}'
            $p | Export-Profile '{_directory}/out.otlp'
            $p | Export-Profile '{_directory}/out.json'
            $p | Export-Profile '{_directory}/out.folded'
            $p | Export-Profile '{_directory}/out.html' -Title 'checkout CPU'
            """).ThrowOnErrors();

        var otlp = OtlpCodec.Decode(File.ReadAllBytes(Path.Combine(_directory, "out.otlp")));
        Assert.Equal(2, otlp.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).Count());
        Assert.Contains("\"resourceProfiles\"", File.ReadAllText(Path.Combine(_directory, "out.json")), StringComparison.Ordinal);
        var folded = File.ReadAllLines(Path.Combine(_directory, "out.folded")).Order(StringComparer.Ordinal);
        Assert.Equal(["main;cold 30000000", "main;hot 60000000"], folded);
        var html = File.ReadAllText(Path.Combine(_directory, "out.html"));
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<title>checkout CPU</title>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void OTLP_binary_and_JSON_written_by_Export_Profile_import_with_the_same_samples()
    {
        var source = TestProfiles.WriteTemp(TestProfiles.Cpu(10, 1_700_000_000, ("main;hot", 6), ("main;cold", 3)));

        var result = _host.Run($"""
            Import-Profile '{source}' | Export-Profile '{_directory}/x.otlp'
            Import-Profile '{source}' | Export-Profile '{_directory}/x.json'
            Import-Profile '{_directory}/x.otlp', '{_directory}/x.json' | Get-ProfileTopFunction -Top 1
            """).ThrowOnErrors();

        Assert.Equal(2, result.Output.Count);
        Assert.All(result.Output, row => Assert.Equal("hot", Invocation.Property<string>(row, "Function")));
        Assert.All(result.Output, row => Assert.Equal(0.06, Invocation.Property<double?>(row, "CpuSeconds")!.Value, 9)); // 6 samples of 10 ms
    }

    [Fact]
    public void Export_Profile_honours_WhatIf_and_refuses_to_overwrite_without_Force()
    {
        var source = TestProfiles.WriteTemp(TestProfiles.Cpu(1, 1, ("main", 1)));
        var target = Path.Combine(_directory, "copy.pb.gz");

        Assert.Empty(_host.Run($"Import-Profile '{source}' | Export-Profile '{target}' -WhatIf").ThrowOnErrors().Output);
        Assert.False(File.Exists(target));

        File.WriteAllText(target, "keep");
        var refused = _host.Run($"Import-Profile '{source}' | Export-Profile '{target}'");
        Assert.Equal("ProfileFileExists,Ember.PowerShell.Commands.ExportProfileCommand", Assert.Single(refused.Errors).FullyQualifiedErrorId);
        Assert.Equal("keep", File.ReadAllText(target));

        var written = _host.Run($"Import-Profile '{source}' | Export-Profile '{target}' -Force -PassThru").ThrowOnErrors();
        Assert.Equal(target, ((FileInfo)written.Output.Single().BaseObject).FullName);
        Assert.Single(Pprof.PprofCodec.ReadFile(target).Samples);
    }

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
