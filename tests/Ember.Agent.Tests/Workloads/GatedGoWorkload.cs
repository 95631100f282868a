using System.Diagnostics;
using System.Globalization;
using Ember.TestSupport;

namespace Ember.Agent.Tests.Workloads;

/// <summary>
/// The Go fixture with <c>-gate</c>: it burns its CPU time (the share hot in main.hotLoop, the rest in
/// main.coldLoop, identical loop bodies) only when told, after the profiler is already sampling, and
/// reports how much CPU it had used before and after, so a test knows the truth it must find.
/// </summary>
internal sealed class GatedGoWorkload : IDisposable
{
    private readonly Process _process;

    private GatedGoWorkload(Process process) => _process = process;

    public int Pid => _process.Id;

    public static GatedGoWorkload Start(TimeSpan cpu, double hot)
    {
        var start = new ProcessStartInfo(GoPeer.FixtureBinary) { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-gate", "-duration", $"{cpu.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s", "-hot", hot.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return new GatedGoWorkload(Process.Start(start) ?? throw new InvalidOperationException("could not start the gated workload"));
    }

    /// <summary>Lets the workload burn and waits until it has: its CPU time before and after burning.</summary>
    public (TimeSpan Before, TimeSpan After) Burn(TimeSpan timeout)
    {
        _process.StandardInput.WriteLine("go");
        _process.StandardInput.Flush();
        var report = _process.StandardOutput.ReadLineAsync();
        if (!report.Wait(timeout) || report.Result is not { } line)
        {
            throw new TimeoutException($"the workload did not finish burning within {timeout.TotalSeconds} s");
        }

        // "cpu BEFORE AFTER", in seconds of process CPU time.
        var fields = line.Split(' ');
        return (Seconds(fields[1]), Seconds(fields[2]));
    }

    /// <summary>Tells the burned-out workload to exit and waits until it has.</summary>
    public void Exit(TimeSpan timeout)
    {
        _process.StandardInput.WriteLine("exit");
        _process.StandardInput.Flush();
        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"the workload did not exit within {timeout.TotalSeconds} s");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static TimeSpan Seconds(string text) => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture));
}
