using System.Diagnostics;
using Ember.Agent.Sampling;
using Ember.Bpf.Tests.Support;
using Xunit.Abstractions;

namespace Ember.Bpf.Tests;

/// <summary>The sampler against the real kernel, on the known workload of Fixtures/workload.c.</summary>
public sealed class CpuSamplerTests(ITestOutputHelper output)
{
    private const ulong KernelSpaceStart = 0xffff_8000_0000_0000;

    [Fact]
    public void Sampling_a_busy_process_finds_its_hot_function_at_the_expected_rate()
    {
        const int frequency = 999;
        using var workload = Workload.Start(seconds: 120);
        using var sampler = CpuSampler.Load(new CpuSamplerOptions { FrequencyHz = frequency, Pids = [workload.Pid] });

        // CPU time read on both sides of Start and of Stop: the sampled window lies between the inner
        // and the outer pair. Sampling lasts until the workload used 1 s of CPU, however busy the machine.
        var beforeStart = workload.CpuTime;
        sampler.Start();
        var afterStart = workload.CpuTime;
        WaitForCpu(workload, afterStart + TimeSpan.FromSeconds(1));
        var beforeStop = workload.CpuTime;
        sampler.Stop();
        var afterStop = workload.CpuTime;
        var batch = sampler.Drain();
        // Only the filtered process, named after its executable.
        Assert.NotEmpty(batch.Samples);
        Assert.All(batch.Samples, sample => Assert.Equal(workload.Pid, sample.Pid));
        Assert.All(batch.Samples, sample => Assert.Equal("workload", sample.ThreadName));

        // One sample per 1/999 s of the CPU time the process used while sampled. A count of CPU-clock
        // ticks has at most Poisson spread, sqrt(n): the bounds are 5σ, plus the 10 ms resolution of
        // each CPU-time reading.
        var total = batch.Samples.Sum(sample => sample.Count);
        var fewest = ((beforeStop - afterStart).TotalSeconds - (2 * Workload.CpuTimeResolution.TotalSeconds)) * frequency;
        var most = ((afterStop - beforeStart).TotalSeconds + (2 * Workload.CpuTimeResolution.TotalSeconds)) * frequency;
        output.WriteLine($"samples: {total}, expected from the CPU time: {fewest:F0} to {most:F0}; counters: {batch.Counters}");
        Assert.InRange(total, fewest - (5 * Math.Sqrt(fewest)), most + (5 * Math.Sqrt(most)));

        // The leaf frames lie in the executable for the 90% of the CPU time in hot_function (binomial
        // spread 1 point at 1,000 samples: 80% is 10σ below), and the hottest one is hot_function
        // called from run_workload and main.
        var userSamples = batch.Samples.Where(sample => sample.UserStack.Count > 0).ToList();
        var inExecutable = userSamples.Where(sample => workload.ToElfAddress(sample.UserStack[0]) is not null).Sum(sample => sample.Count);
        Assert.True(inExecutable >= 0.8 * total, $"only {inExecutable} of {total} samples have their leaf in the executable");
        var hottest = userSamples
            .GroupBy(sample => sample.UserStack[0])
            .OrderByDescending(group => group.Sum(sample => sample.Count))
            .First().First();
        var elfAddresses = hottest.UserStack.Take(3)
            .Select((address, depth) => workload.ToElfAddress(depth == 0 ? address : address - 1)
                ?? throw new InvalidOperationException($"frame {depth} at 0x{address:x} is outside the executable"));
        Assert.Equal(["hot_function", "run_workload", "main"], Symbolizer.Functions(workload.ExecutablePath, elfAddresses));

        // The tenth of the time spent reading /dev/zero shows kernel stacks through the read syscall.
        var kernelSamples = batch.Samples.Where(sample => sample.KernelStack.Count > 0).ToList();
        Assert.NotEmpty(kernelSamples);
        Assert.All(kernelSamples, sample => Assert.All(sample.KernelStack, address => Assert.True(address >= KernelSpaceStart)));
        var kallsyms = Symbolizer.ReadKallsyms();
        var kernelFunctions = kernelSamples.SelectMany(sample => sample.KernelStack).Select(kallsyms.Find).ToHashSet();
        Assert.Contains(kernelFunctions, name => name is not null && name.Contains("read", StringComparison.Ordinal));
        Assert.Equal(batch.Counters.Samples, total + batch.Counters.Dropped);
    }

    [Theory]
    [InlineData(true, 16384)]
    [InlineData(false, 8)]
    public void Draining_while_sampling_neither_loses_nor_double_counts_a_sample(bool sampleIdle, int countMapEntries)
    {
        using var workload = Workload.Start(seconds: 30);
        using var sampler = CpuSampler.Load(new CpuSamplerOptions
        {
            FrequencyHz = 997,
            SampleIdle = sampleIdle,
            CountMapEntries = countMapEntries,
        });

        // Drains every 100 ms until the program ran 3,000 times (about 1.5 s on two CPUs): the count,
        // not the clock, ends the test; the minute only bounds a hang.
        long drained = 0;
        var drains = 0;
        var draining = new Stopwatch();
        sampler.Start();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        for (long seen = 0; seen < 3000; drains++)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the sampler ran only {seen} times in a minute");
            Thread.Sleep(TimeSpan.FromMilliseconds(100));
            draining.Start();
            var batch = sampler.Drain();
            draining.Stop();
            drained += batch.Samples.Sum(sample => sample.Count);
            seen = batch.Counters.Samples;
        }

        sampler.Stop();
        var last = sampler.Drain();
        drained += last.Samples.Sum(sample => sample.Count);
        var counters = last.Counters;
        output.WriteLine($"{drains} drains while sampling, {draining.Elapsed.TotalMilliseconds / drains:F2} ms each; drained {drained}; {counters}");

        Assert.True(drains > 1, "the sampler was never drained while it ran");
        Assert.Equal(counters.Samples - counters.Dropped, drained);
        Assert.Empty(sampler.Drain().Samples);
        for (var slot = 0; slot < ProfilerAbi.SlotCount; slot++)
        {
            Assert.Empty(sampler.Bpf.GetMap(ProfilerObject.CountsMap(slot)).GetKeys<SampleKey>());
            Assert.Empty(sampler.Bpf.GetMap(ProfilerObject.StacksMap(slot)).GetKeys<uint>());
        }

        if (sampleIdle)
        {
            Assert.Equal(0, counters.Dropped);
        }
        else
        {
            // Idle samples are filtered only if a CPU ever idled, which a busy test machine may not do.
            Assert.True(counters.CountMapFull > 0, "an 8-entry count map never filled");
        }
    }

    [Fact]
    public void The_pid_filter_drops_other_processes_and_counts_them()
    {
        using var workload = Workload.Start(seconds: 30);
        using var sampler = CpuSampler.Load(new CpuSamplerOptions { FrequencyHz = 499, Pids = [workload.Pid], SampleIdle = true });

        sampler.Start();
        var busy = new Thread(() => SpinFor(TimeSpan.FromSeconds(1)));
        busy.Start();
        busy.Join();
        sampler.Stop();
        var batch = sampler.Drain();

        Assert.All(batch.Samples, sample => Assert.Equal(workload.Pid, sample.Pid));
        Assert.True(batch.Counters.FilteredPid > 0, "samples of this test process were not filtered");
        Assert.Equal(0, batch.Counters.FilteredIdle);
    }

    [Fact]
    public void Load_attach_and_dispose_leave_no_bpf_or_perf_file_descriptor_open()
    {
        // The first cycle warms up what stays open for good: the runtime's files, libbpf's feature probes.
        RunCycle();
        var before = OpenAnonymousInodes();

        var during = RunCycle();
        var after = OpenAnonymousInodes();

        Assert.True(during.Count > before.Count + CpuList.ReadOnline().Count, "the sampler held no fds while running");
        Assert.Equal(before, after);
    }

    /// <summary>
    /// The anonymous-inode fds: BPF maps, programs, links, BTF and perf events are all of this kind.
    /// Files and pipes are left out: the test host opens and closes those on its own schedule.
    /// </summary>
    private static List<string> OpenAnonymousInodes() =>
        Directory.GetFileSystemEntries("/proc/self/fd")
            .Select(fd => $"{Path.GetFileName(fd)} -> {new FileInfo(fd).LinkTarget}")
            .Where(fd => fd.Contains("anon_inode:", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void Starting_twice_is_refused_and_a_disposed_sampler_throws()
    {
        var sampler = CpuSampler.Load(new CpuSamplerOptions());
        sampler.Start();
        Assert.True(sampler.IsRunning);

        Assert.Throws<InvalidOperationException>(sampler.Start);
        sampler.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sampler.Drain());
    }

    private static List<string> RunCycle()
    {
        using var sampler = CpuSampler.Load(new CpuSamplerOptions { FrequencyHz = 99 });
        sampler.Start();
        Thread.Sleep(100);
        sampler.Drain();
        var during = OpenAnonymousInodes();
        sampler.Stop();
        sampler.Drain();
        return during;
    }

    /// <summary>Waits for the workload's CPU clock, not for wall time; the minute only bounds a hang.</summary>
    private static void WaitForCpu(Workload workload, TimeSpan cpuTime)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (workload.CpuTime < cpuTime)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the workload got only {workload.CpuTime.TotalSeconds:F2} s of CPU in a minute");
            Thread.Sleep(TimeSpan.FromMilliseconds(100));
        }
    }

    private static void SpinFor(TimeSpan duration)
    {
        var until = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < until)
        {
            Thread.SpinWait(1000);
        }
    }
}
