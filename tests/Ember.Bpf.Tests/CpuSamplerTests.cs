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
        const int frequency = 99;
        using var workload = Workload.Start(seconds: 30);
        using var sampler = CpuSampler.Load(new CpuSamplerOptions { FrequencyHz = frequency, Pids = [workload.Pid] });

        var cpuBefore = workload.CpuTime;
        sampler.Start();
        Thread.Sleep(TimeSpan.FromSeconds(2));
        sampler.Stop();
        var cpuTime = workload.CpuTime - cpuBefore;
        var batch = sampler.Drain();

        // Only the filtered process, named after its executable.
        Assert.NotEmpty(batch.Samples);
        Assert.All(batch.Samples, sample => Assert.Equal(workload.Pid, sample.Pid));
        Assert.All(batch.Samples, sample => Assert.Equal("workload", sample.ThreadName));

        // About one sample per 1/99 s of the CPU time the process really used.
        var total = batch.Samples.Sum(sample => sample.Count);
        var expected = cpuTime.TotalSeconds * frequency;
        output.WriteLine($"samples: {total}, expected from {cpuTime.TotalSeconds:F2} s of cpu time: {expected:F0}; counters: {batch.Counters}");
        Assert.InRange(total, 0.75 * expected, 1.25 * expected);
        Assert.True(expected > 40, $"the workload ran only {cpuTime.TotalSeconds:F2} s of the 2 s: too few samples to judge");

        // The leaf frames lie in the executable, and the hottest one is hot_function called from run_workload and main.
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

        long drained = 0;
        var drains = 0;
        var draining = new Stopwatch();
        sampler.Start();
        var until = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < until)
        {
            Thread.Sleep(10);
            draining.Start();
            drained += sampler.Drain().Samples.Sum(sample => sample.Count);
            draining.Stop();
            drains++;
        }

        sampler.Stop();
        var last = sampler.Drain();
        drained += last.Samples.Sum(sample => sample.Count);
        var counters = last.Counters;
        output.WriteLine($"{drains} drains while sampling, {draining.Elapsed.TotalMilliseconds / drains:F2} ms each; drained {drained}; {counters}");

        Assert.True(counters.Samples > 2000, $"only {counters.Samples} samples in 3 s at 997 Hz");
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

    private static void SpinFor(TimeSpan duration)
    {
        var until = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < until)
        {
            Thread.SpinWait(1000);
        }
    }
}
