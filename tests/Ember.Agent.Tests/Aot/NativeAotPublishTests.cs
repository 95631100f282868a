using System.Text.RegularExpressions;
using Ember.Profiles.Pprof;
using Ember.TestSupport;

namespace Ember.Agent.Tests.Aot;

/// <summary>
/// The DaemonSet ships ember-agent as one native-AOT executable: publishing must produce zero
/// trim/AOT warnings, and the executable itself must pass <c>check</c> and a short <c>record</c>.
/// </summary>
public partial class NativeAotPublishTests
{
    [GeneratedRegex(@"\bwarning [A-Z]{2,}[0-9]+")]
    private static partial Regex WarningCode();

    [Fact]
    public void Native_aot_publish_has_no_warnings_and_the_executable_checks_and_records()
    {
        var project = Path.Combine(GoPeer.FixtureDirectory("goprof"), "..", "..", "..", "agent", "Ember.Agent", "Ember.Agent.csproj");
        var work = Directory.CreateTempSubdirectory("ember-aot-").FullName;
        var output = Path.Combine(work, "publish");

        var publish = ExternalProcess.Run("dotnet",
            ["publish", project, "-r", "linux-x64", "-c", "Release", "-o", output, $"-p:ArtifactsPath={Path.Combine(work, "artifacts")}/", "-nologo"],
            timeout: TimeSpan.FromMinutes(15));

        Assert.True(publish.ExitCode == 0, publish.StandardOutput + publish.StandardError);
        // Compiler, trim and AOT analysis warnings all read "warning CODE1234" (e.g. "AOT analysis warning IL3050").
        var warnings = publish.StandardOutput.Split('\n').Where(line => WarningCode().IsMatch(line)).ToList();
        Assert.Empty(warnings);

        var executable = Path.Combine(output, "ember-agent");
        Assert.False(File.Exists(Path.Combine(output, "ember-agent.dll")), "a native executable, not an IL assembly, must be published");
        var check = ExternalProcess.Run(executable, ["check"]);
        Assert.True(check.ExitCode == 0, check.StandardOutput + check.StandardError);

        var profile = Path.Combine(work, "cpu.pb.gz");
        var record = ExternalProcess.Run(executable, ["record", "--duration", "2s", "--output", profile]);
        Assert.True(record.ExitCode == 0, record.StandardError);
        Assert.NotEmpty(PprofCodec.ReadFile(profile).Samples);
    }
}
