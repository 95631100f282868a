using System.Globalization;
using Ember.Agent.Preflight;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Tests.Cli;

public class CheckCommandTests
{
    [Fact]
    public void Check_passes_on_this_machine_and_really_loads_the_bpf_program()
    {
        var result = AgentProcess.Run("check");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[ok  ] bpf program: loaded, verified and attached on", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_without_capabilities_exits_3_and_names_the_capabilities_to_grant()
    {
        var result = AgentProcess.RunUnprivileged("check");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("missing CAP_BPF and/or CAP_PERFMON", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("setcap cap_bpf,cap_perfmon,cap_sys_ptrace+ep", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_without_capabilities_exits_3_and_points_to_check()
    {
        var result = AgentProcess.RunUnprivileged("record", "--duration", "1s", "--output", Path.Combine(Path.GetTempPath(), $"ember-unpriv-{Guid.NewGuid():N}.pb.gz"));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("ember-agent check", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4.4.0-210-generic", PreflightStatus.MissingPrivilege)]
    [InlineData("5.4.0-150-generic", PreflightStatus.Warning)]
    [InlineData("6.1.0-13-amd64", PreflightStatus.Passed)]
    public void Kernel_release_decides_the_kernel_check(string release, PreflightStatus expected)
    {
        var root = FakeProc(release, capEff: 0x000001ffffffffff, paranoid: 2);

        Assert.Equal(expected, new PreflightChecks(root, root).CheckKernel().Status);
    }

    [Theory]
    [InlineData(0x0000000000000000UL, 2, 3)]
    [InlineData(0x000000c000000000UL, 3, -1)] // CAP_BPF + CAP_PERFMON bypass paranoid 3
    [InlineData(0x0000000000200000UL, 2, -1)] // CAP_SYS_ADMIN alone
    public void Capabilities_and_paranoid_level_decide_the_exit_code(ulong capEff, int paranoid, int expectedWithoutBpfLoad)
    {
        var root = FakeProc("6.1.0", capEff, paranoid);
        var checks = new PreflightChecks(root, root);
        var capabilities = checks.ReadCapabilities(out var capabilityResults);
        var results = new List<PreflightResult> { checks.CheckKernel() };
        results.AddRange(capabilityResults);
        results.Add(checks.CheckPerfEventParanoid(capabilities));

        var code = PreflightChecks.ExitCode(results);

        Assert.Equal(expectedWithoutBpfLoad == -1 ? 0 : expectedWithoutBpfLoad, code);
    }

    [Fact]
    public void Missing_btf_is_a_warning_with_the_kernel_option_to_enable()
    {
        var root = FakeProc("6.1.0", 0, 2);

        var result = new PreflightChecks(root, Path.Combine(root, "no-sys")).CheckBtf();

        Assert.Equal(PreflightStatus.Warning, result.Status);
        Assert.Contains("CONFIG_DEBUG_INFO_BTF", result.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_prints_a_fix_for_every_failure()
    {
        var root = FakeProc("4.4.0", 0, 3);
        using var output = new StringWriter();

        var code = Ember.Agent.Cli.CheckCommand.Execute(new PreflightChecks(root, root), output, NullLogger.Instance);

        Assert.Equal(3, code);
        var lines = output.ToString().Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("[FAIL]", StringComparison.Ordinal))
            {
                Assert.StartsWith("       fix: ", lines[i + 1], StringComparison.Ordinal);
            }
        }
    }

    private static string FakeProc(string release, ulong capEff, int paranoid)
    {
        var root = Directory.CreateTempSubdirectory("ember-proc-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "sys", "kernel"));
        Directory.CreateDirectory(Path.Combine(root, "self"));
        File.WriteAllText(Path.Combine(root, "sys", "kernel", "osrelease"), release + "\n");
        File.WriteAllText(Path.Combine(root, "sys", "kernel", "perf_event_paranoid"), paranoid.ToString(CultureInfo.InvariantCulture) + "\n");
        File.WriteAllText(Path.Combine(root, "self", "status"), $"Name:\tember-agent\nCapInh:\t0000000000000000\nCapEff:\t{capEff:x16}\n");
        return root;
    }
}
