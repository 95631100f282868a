using System.Diagnostics;
using Ember.Agent.Sampling;
using Ember.Bpf.Tests.Support;
using Xunit.Abstractions;

namespace Ember.Bpf.Tests;

/// <summary>
/// CPUs that come online after the sampler started, on the real kernel: the test takes cpu1 offline
/// through sysfs (and always brings it back), pins the workload to it, and counts its samples. The
/// truth is by construction: every sample of the pinned workload is taken on cpu1, so without an
/// event on cpu1 there would be none.
/// </summary>
public sealed class CpuHotplugTests(ITestOutputHelper output) : IDisposable
{
    private const int Frequency = 499;
    private const int Cpu = 1;
    private static readonly string OnlineFile = $"/sys/devices/system/cpu/cpu{Cpu}/online";
    private static readonly TimeSpan Measured = TimeSpan.FromSeconds(0.5);

    public void Dispose() => SetOnline(true);

    [Fact]
    public void A_cpu_that_comes_online_after_start_is_sampled_from_the_next_drain()
    {
        RequireHotplug();
        using var workload = Workload.Start(seconds: 120);
        using var sampler = CpuSampler.Load(new CpuSamplerOptions { FrequencyHz = Frequency, Pids = [workload.Pid] });
        SetOnline(false);
        sampler.Start();
        Assert.Equal(1, sampler.Drain().Counters.Cpus.Sampled);

        SetOnline(true);
        PinTo(workload, Cpu);
        var refreshed = sampler.Drain().Counters.Cpus; // the drain that finds cpu1 online attaches to it
        Assert.Equal((2, 0, 1L), (refreshed.Sampled, refreshed.Unsampled, refreshed.LateAttaches));

        AssertSampledWhilePinned(sampler, workload);
    }

    [Fact]
    public void A_cpu_taken_offline_and_back_between_two_drains_is_sampled_again()
    {
        RequireHotplug();
        using var workload = Workload.Start(seconds: 120);
        using var sampler = CpuSampler.Load(new CpuSamplerOptions { FrequencyHz = Frequency, Pids = [workload.Pid] });
        sampler.Start();
        sampler.Drain();

        SetOnline(false);
        SetOnline(true);
        PinTo(workload, Cpu);

        // cpu1's old event stopped with it; a drain sees cpu1 online with an epoch that has not moved
        // since the drain before (the flap may leave one drain still seeing runs from before it).
        Thread.Sleep(50);
        sampler.Drain();
        Thread.Sleep(50);
        var cpus = sampler.Drain().Counters.Cpus;
        output.WriteLine($"after the flap: {cpus}");

        AssertSampledWhilePinned(sampler, workload);
    }

    /// <summary>Samples the workload, pinned to cpu1, gets over its next <see cref="Measured"/> of CPU time: one per 1/Hz, within 5σ of Poisson spread.</summary>
    private void AssertSampledWhilePinned(CpuSampler sampler, Workload workload)
    {
        var before = workload.CpuTime;
        WaitForCpu(workload, before + Measured);
        var after = workload.CpuTime;
        var batch = sampler.Drain();
        var samples = batch.Samples.Sum(s => s.Count);
        var expected = ((after - before).TotalSeconds - (2 * Workload.CpuTimeResolution.TotalSeconds)) * Frequency;
        output.WriteLine($"{samples} samples on cpu{Cpu} for {(after - before).TotalSeconds:F2} s of CPU (at least {expected:F0} expected); {batch.Counters.Cpus}");
        Assert.True(samples >= expected - (5 * Math.Sqrt(expected)), $"only {samples} samples for {(after - before).TotalSeconds:F2} s of CPU on cpu{Cpu}: it is not sampled");
    }

    private static void RequireHotplug()
    {
        // CPU hotplug is a kernel feature of this machine (and of CI, the same machine): its absence is a failure, not a skip.
        Assert.True(File.Exists(OnlineFile), $"{OnlineFile} is missing: this kernel cannot take cpu{Cpu} offline");
        Assert.Equal("0-1", File.ReadAllText("/sys/devices/system/cpu/online").Trim());
    }

    private static void SetOnline(bool online)
    {
        if (File.Exists(OnlineFile) && File.ReadAllText(OnlineFile).Trim() != (online ? "1" : "0"))
        {
            File.WriteAllText(OnlineFile, online ? "1" : "0");
        }
    }

    private static void PinTo(Workload workload, int cpu)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", "-c", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture), workload.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("taskset did not start");
        taskset.WaitForExit();
        Assert.Equal(0, taskset.ExitCode);
    }

    private static void WaitForCpu(Workload workload, TimeSpan cpuTime)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (workload.CpuTime < cpuTime)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the workload got only {workload.CpuTime.TotalSeconds:F2} s of CPU in a minute");
            Thread.Sleep(TimeSpan.FromMilliseconds(50));
        }
    }
}
