using System.Diagnostics;
using System.Globalization;
using Ember.Agent.Tests.Export;
using Ember.Agent.Tests.Workloads;
using Ember.TestSupport;

namespace Ember.Agent.Tests.Cli;

/// <summary>
/// A process in its own PID namespace (as in kind, minikube or a sidecar) is pid 1 to itself: the
/// agent attributes its samples by its host pid, with no flag, and reads its files through
/// /proc/PID/root. The namespace is made with util-linux's unshare, as a user would.
/// </summary>
public sealed class PidNamespaceTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-pidns-").FullName;
    private Process? _unshare;

    [Fact]
    public void A_process_in_a_nested_pid_namespace_is_profiled_by_its_host_pid_with_its_frames_named()
    {
        var unshare = ExternalProcess.Require("unshare", "util-linux");
        var start = new ProcessStartInfo(unshare) { ArgumentList = { "--pid", "--fork", "--mount-proc", FixtureWorkloads.ShortLivedPath, "60000" } };
        _unshare = Process.Start(start) ?? throw new InvalidOperationException("could not start unshare");
        var hostPid = WaitForChild(_unshare.Id);
        Assert.Equal([hostPid, 1], NamespacePids(hostPid)); // pid 1 in its own namespace

        var output = Path.Combine(_directory, "pidns.otlp");
        var result = AgentProcess.Run("record", "--pid", hostPid.ToString(CultureInfo.InvariantCulture), "--duration", "3s", "--frequency", "99", "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var export = new OracleExport(File.ReadAllBytes(output));
        var resource = Assert.Single(export.Resources);
        Assert.Equal(hostPid.ToString(CultureInfo.InvariantCulture), resource["process.pid"]);
        Assert.Equal(FixtureWorkloads.ShortLivedPath, resource["process.executable.path"]);
        var stacks = export.StacksByPid()[hostPid];
        var total = stacks.Sum(s => s.Count);
        var named = stacks.Where(s => FixtureWorkloads.IsShortLivedWork(s.Frames.Select(f => f.Name))).Sum(s => s.Count);
        // It spends all its time in burn_cpu: 3 s at 99 Hz is about 300 samples.
        Assert.True(total > 50, $"only {total} samples");
        Assert.True(named >= 0.95 * total, $"only {named} of {total} samples are named burn_cpu <- main");
    }

    public void Dispose()
    {
        if (_unshare is { HasExited: false })
        {
            // Killing the namespace's init (unshare's child) ends the namespace; unshare then exits.
            _unshare.Kill(entireProcessTree: true);
            _unshare.WaitForExit();
        }

        _unshare?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>unshare --fork runs the program as its child; its host pid is read from /proc.</summary>
    private static int WaitForChild(int parent)
    {
        var deadline = DateTime.UtcNow + Generous;
        var children = $"/proc/{parent}/task/{parent}/children";
        while (true)
        {
            var text = File.Exists(children) ? File.ReadAllText(children).Trim() : "";
            if (text.Length > 0 && int.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture) is var child
                && File.ReadAllText($"/proc/{child}/comm").Trim() == "short-lived")
            {
                return child;
            }

            Assert.True(DateTime.UtcNow < deadline, "unshare did not start the workload");
            Thread.Sleep(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>The pid in each namespace, outermost first (NSpid in /proc/PID/status).</summary>
    private static int[] NamespacePids(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("NSpid:", StringComparison.Ordinal))
            .Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
}
