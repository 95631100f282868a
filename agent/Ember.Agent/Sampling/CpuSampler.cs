using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Ember.Agent.Unwinding;
using Ember.Bpf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Sampling;

/// <summary>
/// Samples the on-CPU stacks of every process (or of chosen ones) with bpf/profiler.bpf.c: a
/// perf_event program on a software cpu-clock event per online CPU, which counts samples by
/// (process, thread name, user stack, kernel stack) in kernel maps. <see cref="Drain"/> hands the
/// counts over. Its process_events ring buffer (<see cref="PollProcessEvents"/>) announces each
/// process on its first sample, and its exec and exit, so a short-lived process can be captured while it lives.
/// </summary>
/// <remarks>
/// <para>
/// How draining works without losing or double-counting a sample: the program counts into one of
/// two slots, each a (counts, stacks) map pair. <see cref="Drain"/> points the program at the other
/// slot, waits until no CPU is still inside the program with the old slot (each CPU's epoch is odd
/// while it runs the program), then reads and deletes the old slot's counts, resolves their stack
/// ids in the old slot's stack map, and finally clears that stack map.
/// </para>
/// <para>
/// User stacks are walked by the program itself (<see cref="CpuSamplerOptions.UnwindMemory"/>): by
/// the unwind tables in <see cref="UnwindMaps"/> where a file has one, by frame pointers elsewhere. Lifetime: <see cref="Load"/>, <see cref="Start"/>, any number of
/// <see cref="Drain"/>s, <see cref="Stop"/> (a drain after it returns everything left), <see cref="Dispose"/>.
/// All members are safe for concurrent use; they take turns on one lock.
/// </para>
/// </remarks>
public sealed partial class CpuSampler : ISampleSource, IProcessEventSource, IDisposable
{
    private static readonly TimeSpan _inFlightTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly BpfObject _bpf;
    private readonly BpfProgram _program;
    private readonly BpfProgram[] _processTracepoints;
    private readonly BpfRingBuffer _processEvents;
    private readonly BpfMap _control;
    private readonly BpfMap _stats;
    private readonly BpfMap _epochs;
    private readonly BpfMap[] _counts;
    private readonly BpfMap[] _stacks;
    private readonly BpfMap[] _userStacks;
    private readonly uint _flags;
    private readonly ILogger _logger;
    private readonly List<BpfLink> _tracepointLinks = [];
    private readonly CpuClockLinks _cpuLinks;
    private readonly Dictionary<(ulong, ulong), string> _threadNames = [];
    private uint _activeSlot;
    private bool _disposed;

    private CpuSampler(BpfObject bpf, CpuSamplerOptions options, ILogger logger)
    {
        _bpf = bpf;
        _logger = logger;
        FrequencyHz = options.FrequencyHz;
        _program = bpf.GetProgram(ProfilerObject.SampleCpuProgram);
        _cpuLinks = new CpuClockLinks(_program, options.FrequencyHz, logger);
        _processTracepoints = [bpf.GetProgram(ProfilerObject.ProcessExecProgram), bpf.GetProgram(ProfilerObject.ProcessExitProgram)];
        _control = bpf.GetMap(ProfilerObject.ControlMap);
        _stats = bpf.GetMap(ProfilerObject.StatsMap);
        _epochs = bpf.GetMap(ProfilerObject.EpochsMap);
        _counts = [bpf.GetMap(ProfilerObject.CountsMap(0)), bpf.GetMap(ProfilerObject.CountsMap(1))];
        _stacks = [bpf.GetMap(ProfilerObject.StacksMap(0)), bpf.GetMap(ProfilerObject.StacksMap(1))];
        _userStacks = [bpf.GetMap(ProfilerObject.UserStacksMap(0)), bpf.GetMap(ProfilerObject.UserStacksMap(1))];
        if (options.UnwindMemory.WalksUserStacks)
        {
            var programs = bpf.GetMap(ProfilerObject.UnwindProgramsMap);
            bpf.GetProgram(ProfilerObject.WalkUserStackProgram).SetAsTailCall(programs, 0);
            bpf.GetProgram(ProfilerObject.WalkPythonStackProgram).SetAsTailCall(programs, 1);
            UnwindMaps = new BpfUnwindMaps(
                bpf.GetMap(ProfilerObject.UnwindRowsMap), bpf.GetMap(ProfilerObject.UnwindProcessesMap), bpf.GetMap(ProfilerObject.PythonProcessesMap));
        }

        var pidFilter = bpf.GetMap(ProfilerObject.PidFilterMap);
        foreach (var pid in options.Pids)
        {
            pidFilter.Update((uint)pid, 1u);
        }

        _flags = (options.Pids.Count > 0 ? ProfilerAbi.FlagFilterPids : 0)
            | (options.SampleIdle ? ProfilerAbi.FlagSampleIdle : 0)
            | (options.UnwindMemory.WalksUserStacks ? ProfilerAbi.FlagUnwind : 0);
        WriteControl();
        _processEvents = BpfRingBuffer.Open(bpf.GetMap(ProfilerObject.ProcessEventsMap));
        KernelMemoryBytes = bpf.ReadKernelMemory(); // every map is preallocated: this does not grow
    }

    /// <summary>Bytes of kernel memory all the profiler's maps are charged for, as the kernel reports it.</summary>
    public long KernelMemoryBytes { get; }

    /// <summary>The loaded profiler object, for tests that look into its maps.</summary>
    internal BpfObject Bpf => _bpf;

    /// <summary>The kernel maps of the user-stack walk, or null when it is off.</summary>
    internal IUnwindMaps? UnwindMaps { get; }

    /// <summary>Samples per second per CPU.</summary>
    public int FrequencyHz { get; }

    /// <summary>True between <see cref="Start"/> and <see cref="Stop"/>.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _tracepointLinks.Count > 0;
            }
        }
    }

    /// <summary>
    /// Loads the profiler program into the kernel and configures it, without sampling yet.
    /// This is also the preflight check: it fails the way <see cref="Start"/> would on this kernel.
    /// </summary>
    /// <exception cref="BpfNotSupportedException">The kernel lacks perf_event programs or stack trace maps.</exception>
    /// <exception cref="BpfPermissionException">The process lacks CAP_BPF/CAP_PERFMON.</exception>
    /// <exception cref="BpfLoadException">The verifier rejected the program.</exception>
    public static CpuSampler Load(CpuSamplerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        BpfFeatures.RequireProgramType(BpfProgramType.PerfEvent);
        BpfFeatures.RequireMapType(BpfMapType.StackTrace);
        BpfFeatures.RequireProgramType(BpfProgramType.RawTracepoint);
        BpfFeatures.RequireMapType(BpfMapType.RingBuffer);

        var sizes = new Dictionary<string, uint>
        {
            [ProfilerObject.PidFilterMap] = (uint)Math.Max(1, options.Pids.Count),
        };
        for (var slot = 0; slot < ProfilerAbi.SlotCount; slot++)
        {
            sizes[ProfilerObject.CountsMap(slot)] = (uint)options.EntriesFor(options.CountMapEntries, CpuList.PossibleCount);
            sizes[ProfilerObject.StacksMap(slot)] = (uint)options.EntriesFor(options.StackMapEntries, CpuList.PossibleCount);
            sizes[ProfilerObject.UserStacksMap(slot)] = (uint)options.EntriesFor(options.StackMapEntries, CpuList.PossibleCount);
        }

        // Off, the walk's maps keep one entry each: the program still references them.
        sizes[ProfilerObject.UnwindRowsMap] = (uint)Math.Max(1, options.UnwindMemory.RowEntries);
        sizes[ProfilerObject.UnwindProcessesMap] = (uint)Math.Max(1, options.UnwindMemory.ProcessEntries);
        sizes[ProfilerObject.PythonProcessesMap] = (uint)Math.Max(1, options.UnwindMemory.ProcessEntries);

        var bpf = BpfObject.Load(
            ProfilerObject.Read(), new BpfLoadOptions { ObjectName = ProfilerObject.Name, MapMaxEntries = sizes });
        try
        {
            return new CpuSampler(bpf, options, logger ?? NullLogger.Instance);
        }
        catch
        {
            bpf.Dispose();
            throw;
        }
    }

    /// <summary>Attaches the program to a cpu-clock event on every online CPU; sampling starts at once.</summary>
    /// <exception cref="BpfPermissionException">CPU-wide perf events are not permitted (CAP_PERFMON, kernel.perf_event_paranoid).</exception>
    /// <exception cref="InvalidOperationException">The sampler is already running.</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_tracepointLinks.Count > 0)
            {
                throw new InvalidOperationException("the cpu sampler is already running");
            }

            var cpus = CpuList.ReadOnline();
            try
            {
                // Exec and exit first, so no process announced by a sample misses its end.
                foreach (var tracepoint in _processTracepoints)
                {
                    _tracepointLinks.Add(tracepoint.Attach());
                }

                _cpuLinks.AttachAll(cpus);
            }
            catch
            {
                Detach();
                throw;
            }

            LogStarted(_logger, cpus.Count, FrequencyHz);
        }
    }

    /// <summary>Detaches from every CPU. Samples taken so far stay in the maps for the next <see cref="Drain"/>.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_tracepointLinks.Count == 0)
            {
                return;
            }

            Detach();
            WaitForInFlightSamples();
            LogStopped(_logger);
        }
    }

    /// <summary>
    /// Returns the samples counted since the previous drain and removes them from the kernel
    /// maps. While running, it drains the slot the program just left; once stopped, both slots.
    /// </summary>
    /// <exception cref="TimeoutException">A CPU stayed inside the program for over a second (never expected).</exception>
    public CpuSampleBatch Drain()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var samples = new List<CpuSample>();
            if (_tracepointLinks.Count > 0)
            {
                var drained = _activeSlot;
                _activeSlot ^= 1;
                WriteControl();

                // The kernel stored the new slot on this CPU; the fence makes it visible to every
                // CPU before the epochs are read, the other half of the program's ordering.
                Interlocked.MemoryBarrier();
                WaitForInFlightSamples();
                DrainSlot((int)drained, samples);
                _cpuLinks.Refresh(CpuList.ReadOnline(), ReadEpochs());
            }
            else
            {
                DrainSlot(0, samples);
                DrainSlot(1, samples);
            }

            var counters = ReadCountersLocked();
            LogDrained(_logger, samples.Count, counters.Samples, counters.Dropped);
            return new CpuSampleBatch(samples, counters);
        }
    }

    /// <summary>Reads the cumulative counters (summed over CPUs).</summary>
    public SamplerCounters ReadCounters()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReadCountersLocked();
        }
    }

    /// <summary>Detaches from every CPU and releases the program and its maps.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Detach();
            _processEvents.Dispose();
            _bpf.Dispose();
            _disposed = true;
        }
    }

    /// <inheritdoc />
    /// <remarks>Does not take the drain lock: a poll waiting for events never delays a drain.</remarks>
    public int PollProcessEvents(List<ProcessLifecycleEvent> into, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(into);
        var before = into.Count;
        _processEvents.Poll(timeout, record =>
        {
            var raw = MemoryMarshal.Read<ProcessEvent>(record);
            if (raw.Kind is >= ProfilerAbi.ProcessSeen and <= ProfilerAbi.ProcessExit)
            {
                into.Add(new ProcessLifecycleEvent((int)raw.Pid, (ProcessLifecycle)raw.Kind, CommName(raw.Comm)));
            }
            else if (raw.Kind == ProfilerAbi.ProcessPythonCode)
            {
                into.Add(new ProcessLifecycleEvent((int)raw.Pid, ProcessLifecycle.PythonCode, string.Empty, raw.Address));
            }
        });
        return into.Count - before;
    }

    private void WriteControl() =>
        _control.Update(0u, new SamplerControl { ActiveSlot = _activeSlot, Flags = _flags });

    private void Detach()
    {
        _cpuLinks.DetachAll();
        foreach (var link in _tracepointLinks)
        {
            link.Dispose();
        }

        _tracepointLinks.Clear();
    }

    private ulong[] ReadEpochs()
    {
        var epochs = new ulong[CpuList.PossibleCount];
        _epochs.LookupPerCpu(0u, epochs.AsSpan());
        return epochs;
    }

    /// <summary>
    /// Waits until every CPU that was inside the program when called (odd epoch) has left it.
    /// A CPU that enters later reads the slot after its epoch turned odd, so it sees the new slot.
    /// </summary>
    private void WaitForInFlightSamples()
    {
        var cpus = CpuList.PossibleCount;
        var before = new ulong[cpus];
        var now = new ulong[cpus];
        _epochs.LookupPerCpu(0u, before.AsSpan());
        var deadline = Stopwatch.GetTimestamp() + (long)(_inFlightTimeout.TotalSeconds * Stopwatch.Frequency);
        for (var cpu = 0; cpu < cpus; cpu++)
        {
            while ((before[cpu] & 1) == 1)
            {
                _epochs.LookupPerCpu(0u, now.AsSpan());
                if (now[cpu] != before[cpu])
                {
                    break;
                }

                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException(
                        $"drain cpu samples: cpu {cpu} stayed inside the sampling program for over {_inFlightTimeout.TotalSeconds} s");
                }

                Thread.Yield();
            }
        }
    }

    private void DrainSlot(int slot, List<CpuSample> into)
    {
        var counts = new List<KeyValuePair<SampleKey, ulong>>();
        _counts[slot].LookupAndDeleteAll(counts);

        var stacks = new Dictionary<uint, ulong[]>();
        foreach (var (key, count) in counts)
        {
            into.Add(new CpuSample(
                (int)key.Pid,
                ThreadName(key.Comm),
                ReadStack(slot, key.UserStackId, stacks),
                ReadStack(slot, key.KernelStackId, stacks),
                (long)count));
        }

        // Only now may the program reuse these stack ids: it writes this slot again after the next flip.
        foreach (var stackMap in (ReadOnlySpan<BpfMap>)[_stacks[slot], _userStacks[slot]])
        {
            foreach (var stackId in stackMap.GetKeys<uint>())
            {
                stackMap.Delete(stackId);
            }
        }
    }

    private ulong[] ReadStack(int slot, uint stackId, Dictionary<uint, ulong[]> cache)
    {
        if (stackId == ProfilerAbi.NoStack)
        {
            return [];
        }

        if (!cache.TryGetValue(stackId, out var stack))
        {
            var frames = new ulong[ProfilerAbi.MaxStackDepth];
            var map = (stackId & ProfilerAbi.OwnStack) != 0 ? _userStacks[slot] : _stacks[slot];
            var found = map.TryLookup(stackId, MemoryMarshal.AsBytes(frames.AsSpan()));
            var depth = found ? Array.IndexOf(frames, 0UL) : 0;
            stack = frames[..(depth < 0 ? frames.Length : depth)];
            cache[stackId] = stack;
        }

        return stack;
    }

    private string ThreadName(CommBytes comm)
    {
        ReadOnlySpan<byte> bytes = comm;
        var key = (MemoryMarshal.Read<ulong>(bytes), MemoryMarshal.Read<ulong>(bytes[8..]));
        if (!_threadNames.TryGetValue(key, out var name))
        {
            name = CommName(comm);
            _threadNames[key] = name;
        }

        return name;
    }

    private static string CommName(CommBytes comm)
    {
        ReadOnlySpan<byte> bytes = comm;
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    private SamplerCounters ReadCountersLocked()
    {
        var perCpu = new SamplerStats[CpuList.PossibleCount];
        _stats.LookupPerCpu(0u, perCpu.AsSpan());
        SamplerStats sum = default;
        foreach (var cpu in perCpu)
        {
            sum.Samples += cpu.Samples;
            sum.FilteredIdle += cpu.FilteredIdle;
            sum.FilteredPid += cpu.FilteredPid;
            sum.CountMapFull += cpu.CountMapFull;
            sum.ProcessEventsLost += cpu.ProcessEventsLost;
            Sum(ref sum.Unwind, cpu.Unwind);
            Sum(ref sum.Python, cpu.Python);
            Add(ref sum.UserStack, cpu.UserStack);
            Add(ref sum.KernelStack, cpu.KernelStack);
        }

        return new SamplerCounters(
            (long)sum.Samples, (long)sum.FilteredIdle, (long)sum.FilteredPid, (long)sum.CountMapFull,
            ToCounters(sum.UserStack), ToCounters(sum.KernelStack), (long)sum.ProcessEventsLost, ToUnwindCounters(sum.Unwind),
            new CpuCounters(_cpuLinks.Count, _cpuLinks.Unsampled, _cpuLinks.LateAttaches),
            new PythonCounters(
                (long)sum.Python.Stacks, (long)sum.Python.Frames, (long)sum.Python.NoThread, (long)sum.Python.NoFrame,
                (long)sum.Python.ReadFault, (long)sum.Python.Truncated));

        // For the stats structs made only of __u64 counters.
        static void Sum<TStats>(ref TStats total, TStats cpu)
            where TStats : unmanaged
        {
            var totals = MemoryMarshal.Cast<TStats, ulong>(new Span<TStats>(ref total));
            var values = MemoryMarshal.Cast<TStats, ulong>(new ReadOnlySpan<TStats>(in cpu));
            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] += values[i];
            }
        }

        static UnwindCounters ToUnwindCounters(UnwindStats s) => new(
            (long)s.Stacks, (long)s.FramesTable, (long)s.FramesFp, (long)s.NoProcess, (long)s.NoTable, (long)s.TableEvicted,
            (long)s.NoRow, (long)s.Unsupported, (long)s.ReadFault, (long)s.Depth, (long)s.TailCallFailed,
            (long)(s.StackCollisions + s.StackMapFull));

        static void Add(ref StackErrors total, StackErrors cpu)
        {
            total.NoFrames += cpu.NoFrames;
            total.Collisions += cpu.Collisions;
            total.NoMemory += cpu.NoMemory;
            total.Other += cpu.Other;
        }

        static StackErrorCounters ToCounters(StackErrors errors) =>
            new((long)errors.NoFrames, (long)errors.Collisions, (long)errors.NoMemory, (long)errors.Other);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "cpu sampler started on {CpuCount} cpus at {FrequencyHz} Hz")]
    private static partial void LogStarted(ILogger logger, int cpuCount, int frequencyHz);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "cpu sampler stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug,
        Message = "drained {StackCount} stacks; {Samples} samples and {Dropped} dropped since load")]
    private static partial void LogDrained(ILogger logger, int stackCount, long samples, long dropped);
}
