using System.Globalization;
using Ember.Agent.Sampling;
using Ember.Bpf;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Preflight;

/// <summary>
/// <c>ember-agent check</c>: kernel, BTF, capabilities, perf_event_paranoid, and a real load,
/// verify and attach of the BPF program. File locations are parameters so the reading logic is
/// testable on prepared trees; the defaults read this machine.
/// </summary>
public sealed class PreflightChecks(string procRoot = "/proc", string sysRoot = "/sys")
{
    private static readonly KernelRelease Comfortable = new(5, 8, "5.8");
    private static readonly KernelRelease Minimum = new(4, 9, "4.9");

    /// <summary>Runs every check; the BPF load runs only when nothing before it is missing.</summary>
    public IReadOnlyList<PreflightResult> Run(ILogger logger)
    {
        var results = new List<PreflightResult> { CheckKernel(), CheckBtf() };
        var capabilities = ReadCapabilities(out var capabilityResults);
        results.AddRange(capabilityResults);
        results.Add(CheckPerfEventParanoid(capabilities));
        if (results.TrueForAll(r => r.Status != PreflightStatus.MissingPrivilege))
        {
            results.Add(CheckBpfProgram(logger));
        }

        return results;
    }

    /// <summary>The process exit code DESIGN.md assigns to a set of results: 3, 1 or 0.</summary>
    public static int ExitCode(IReadOnlyList<PreflightResult> results) =>
        results.Any(r => r.Status == PreflightStatus.MissingPrivilege) ? 3
        : results.Any(r => r.Status == PreflightStatus.Failed) ? 1
        : 0;

    internal PreflightResult CheckKernel()
    {
        const string Name = "kernel";
        var release = KernelRelease.Parse(File.ReadAllText(Path.Combine(procRoot, "sys/kernel/osrelease")));
        if (release >= Comfortable)
        {
            return new(Name, PreflightStatus.Passed, $"Linux {release.Text}");
        }

        return release >= Minimum
            ? new(Name, PreflightStatus.Warning, $"Linux {release.Text}: works, but CAP_BPF/CAP_PERFMON need 5.8+ so the agent needs CAP_SYS_ADMIN",
                "Upgrade to Linux 5.8 or later to run with least privilege.")
            : new(Name, PreflightStatus.MissingPrivilege, $"Linux {release.Text} is too old: perf_event BPF programs with stack ids need 4.9+",
                "Run on Linux 5.8 or later (5.10+ recommended).");
    }

    internal PreflightResult CheckBtf()
    {
        var path = Path.Combine(sysRoot, "kernel/btf/vmlinux");
        return File.Exists(path)
            ? new("btf", PreflightStatus.Passed, $"{path} present")
            : new("btf", PreflightStatus.Warning, $"{path} missing: not needed by the frame-pointer sampler",
                "Use a kernel built with CONFIG_DEBUG_INFO_BTF=y for CO-RE based unwinders.");
    }

    internal ulong ReadCapabilities(out IReadOnlyList<PreflightResult> results)
    {
        var set = Capabilities.ParseEffective(File.ReadAllText(Path.Combine(procRoot, "self/status")));
        var admin = Capabilities.Has(set, Capabilities.SysAdmin);
        var bpf = admin || (Capabilities.Has(set, Capabilities.Bpf) && Capabilities.Has(set, Capabilities.Perfmon));
        var list = new List<PreflightResult>
        {
            bpf
                ? new("capabilities", PreflightStatus.Passed, admin ? "CAP_SYS_ADMIN" : "CAP_BPF and CAP_PERFMON")
                : new("capabilities", PreflightStatus.MissingPrivilege, "missing CAP_BPF and/or CAP_PERFMON",
                    "Run as root, or grant the capabilities: setcap cap_bpf,cap_perfmon,cap_sys_ptrace+ep ember-agent " +
                    "(Kubernetes: securityContext.capabilities.add: [BPF, PERFMON, SYS_PTRACE]; kernels before 5.8 need SYS_ADMIN)."),
            Capabilities.Has(set, Capabilities.SysPtrace) || admin
                ? new("ptrace", PreflightStatus.Passed, "CAP_SYS_PTRACE: other processes' maps and binaries are readable")
                : new("ptrace", PreflightStatus.Warning, "no CAP_SYS_PTRACE: frames of other users' processes stay unsymbolized",
                    "Grant CAP_SYS_PTRACE to symbolize every process."),
        };
        results = list;
        return set;
    }

    internal PreflightResult CheckPerfEventParanoid(ulong capabilities)
    {
        var text = File.ReadAllText(Path.Combine(procRoot, "sys/kernel/perf_event_paranoid")).Trim();
        var level = int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var privileged = Capabilities.Has(capabilities, Capabilities.Perfmon) || Capabilities.Has(capabilities, Capabilities.SysAdmin);
        if (privileged || level <= 0)
        {
            return new("perf_event_paranoid", PreflightStatus.Passed,
                privileged ? $"{level} (bypassed by CAP_PERFMON/CAP_SYS_ADMIN)" : $"{level}");
        }

        return new("perf_event_paranoid", PreflightStatus.MissingPrivilege,
            $"{level}: system-wide cpu-clock events are refused without CAP_PERFMON",
            "Grant CAP_PERFMON, or lower the setting: sysctl -w kernel.perf_event_paranoid=0");
    }

    private static PreflightResult CheckBpfProgram(ILogger logger)
    {
        const string Name = "bpf program";
        try
        {
            using var sampler = CpuSampler.Load(new CpuSamplerOptions(), logger);
            sampler.Start();
            sampler.Stop();
            return new(Name, PreflightStatus.Passed,
                string.Create(CultureInfo.InvariantCulture, $"loaded, verified and attached on {CpuList.ReadOnline().Count} CPU(s)"));
        }
        catch (BpfPermissionException ex)
        {
            return new(Name, PreflightStatus.MissingPrivilege, ex.Message, "Grant CAP_BPF and CAP_PERFMON (or run as root).");
        }
        catch (BpfNotSupportedException ex)
        {
            return new(Name, PreflightStatus.MissingPrivilege, ex.Message, "Use a kernel with CONFIG_BPF_SYSCALL=y and CONFIG_BPF_EVENTS=y (5.8+).");
        }
        catch (BpfLoadException ex)
        {
            return new(Name, PreflightStatus.Failed, ex.Message, "The verifier rejected the program; report it with the output of this command.");
        }
        catch (BpfException ex)
        {
            return new(Name, PreflightStatus.Failed, ex.Message);
        }
    }
}
