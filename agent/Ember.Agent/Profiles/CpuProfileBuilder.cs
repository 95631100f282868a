using System.Reflection;
using Ember.Agent.Processes;
using Ember.Agent.Symbolization;
using Ember.Profiles;
using Ember.Profiles.Otlp;

namespace Ember.Agent.Profiles;

/// <summary>
/// Accumulates symbolized CPU samples into OTLP profiles: one resource per process (decision 6),
/// sample type (samples,count), period (cpu,nanoseconds) = 1e9/Hz, kernel frames above user frames,
/// profile.frame.type on locations and build IDs on mappings. It only builds: the frames arrive
/// resolved (<see cref="StackSymbolizer"/>); identical stacks from several drains merge into one sample.
/// </summary>
public sealed class CpuProfileBuilder(int frequencyHz, string hostName, IProcessLabels? labels = null)
{
    private static readonly string AgentVersion =
        typeof(CpuProfileBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private readonly Dictionary<int, ProcessProfile> _processes = [];
    private readonly Dictionary<ulong, Location> _kernelLocations = [];
    private readonly Dictionary<(string? Name, string? SystemName, string? File), Function> _functions = [];
    private readonly Dictionary<ResolvedMapping, Mapping> _mappings = [];

    /// <summary>Number of samples added since the last <see cref="Build"/>.</summary>
    public long SampleCount { get; private set; }

    /// <summary>Number of frames no symbol source could name (kept with their mapping).</summary>
    public long UnknownFrames { get; private set; }

    /// <summary>Adds one symbolized sample of <paramref name="process"/>.</summary>
    public void Add(ProcessInfo process, ResolvedSample sample)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(sample);
        if (!_processes.TryGetValue(process.Pid, out var profile))
        {
            profile = new ProcessProfile(process);
            _processes.Add(process.Pid, profile);
        }

        var key = new SampleKey(sample.ThreadName, sample.KernelFrames, sample.UserFrames);
        if (!profile.Samples.TryGetValue(key, out var merged))
        {
            merged = new Sample { Stack = BuildStack(profile, sample) };
            merged.Attributes.Add(KeyValueAndUnit.String(SemanticConventions.ThreadName, sample.ThreadName));
            merged.Values.Add(0);
            profile.Samples.Add(key, merged);
        }

        merged.Values[0] += sample.Count;
        SampleCount += sample.Count;
    }

    /// <summary>Builds the export request for the window and starts a new, empty one.</summary>
    public ProfilesData Build(DateTimeOffset start, DateTimeOffset end)
    {
        var data = new ProfilesData();
        foreach (var process in _processes.Values.OrderBy(p => p.Info.Pid))
        {
            var profile = new Profile
            {
                SampleType = new ProfileValueType("samples", "count"),
                PeriodType = new ProfileValueType("cpu", "nanoseconds"),
                Period = 1_000_000_000L / frequencyHz,
                TimeUnixNano = (ulong)start.ToUnixTimeMilliseconds() * 1_000_000UL,
                DurationNano = (ulong)Math.Max(0, (end - start).Ticks) * 100UL,
            };
            profile.Samples.AddRange(process.Samples.Values);
            var scope = new ScopeProfiles { Scope = new InstrumentationScope { Name = "ember-agent", Version = AgentVersion } };
            scope.Profiles.Add(profile);
            var resource = new ResourceProfiles { Resource = ResourceOf(process.Info) };
            resource.ScopeProfiles.Add(scope);
            data.ResourceProfiles.Add(resource);
        }

        // Interning caches start over each window, so a long-running agent's memory follows the
        // live processes, not every process it ever saw; symbolization keeps per-binary symbol caches.
        _processes.Clear();
        _kernelLocations.Clear();
        _functions.Clear();
        _mappings.Clear();
        SampleCount = 0;
        UnknownFrames = 0;
        return data;
    }

    private Resource ResourceOf(ProcessInfo info)
    {
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue(SemanticConventions.HostName, AnyValue.String(hostName)));
        resource.Attributes.Add(new KeyValue(SemanticConventions.ProcessPid, AnyValue.Int(info.Pid)));
        resource.Attributes.Add(new KeyValue(SemanticConventions.ProcessExecutableName, AnyValue.String(info.Name)));
        if (info.ExecutablePath is { } path)
        {
            resource.Attributes.Add(new KeyValue(SemanticConventions.ProcessExecutablePath, AnyValue.String(path)));
        }

        var extra = labels?.ResourceAttributes(info) ?? [];
        if (info.Container is { } container)
        {
            resource.Attributes.Add(new KeyValue(SemanticConventions.ContainerId, AnyValue.String(container.ContainerId)));
            if (container.PodUid is { } podUid && !extra.Any(a => a.Key == SemanticConventions.K8sPodUid))
            {
                resource.Attributes.Add(new KeyValue(SemanticConventions.K8sPodUid, AnyValue.String(podUid)));
            }
        }

        foreach (var (key, value) in extra)
        {
            resource.Attributes.Add(new KeyValue(key, AnyValue.String(value)));
        }

        return resource;
    }

    private Stack BuildStack(ProcessProfile process, ResolvedSample sample)
    {
        var stack = new Stack();
        foreach (var frame in sample.KernelFrames)
        {
            if (!_kernelLocations.TryGetValue(frame.Address, out var location))
            {
                location = ToLocation(frame);
                _kernelLocations.Add(frame.Address, location);
            }

            stack.Locations.Add(location);
        }

        foreach (var frame in sample.UserFrames)
        {
            if (!process.Locations.TryGetValue(frame.Address, out var location))
            {
                location = ToLocation(frame);
                process.Locations.Add(frame.Address, location);
            }

            stack.Locations.Add(location);
        }

        return stack;
    }

    private Location ToLocation(ResolvedFrame frame)
    {
        var location = new Location { Address = frame.Address, Mapping = frame.Mapping is { } m ? MappingOf(m) : null };
        location.Attributes.Add(KeyValueAndUnit.String(SemanticConventions.ProfileFrameType, frame.FrameType));
        if (frame.FunctionName is null && frame.SystemName is null)
        {
            UnknownFrames++;
            return location;
        }

        if (frame.IsLabel)
        {
            UnknownFrames++;
        }

        var key = (frame.FunctionName, frame.SystemName, frame.FileName);
        if (!_functions.TryGetValue(key, out var function))
        {
            function = new Function
            {
                Name = frame.FunctionName ?? frame.SystemName ?? string.Empty,
                SystemName = frame.SystemName ?? frame.FunctionName ?? string.Empty,
                FileName = frame.FileName ?? string.Empty,
            };
            _functions.Add(key, function);
        }

        location.Lines.Add(new Line { Function = function, Number = frame.Line });
        return location;
    }

    private Mapping MappingOf(ResolvedMapping resolved)
    {
        if (_mappings.TryGetValue(resolved, out var mapping))
        {
            return mapping;
        }

        mapping = new Mapping { MemoryStart = resolved.Start, MemoryLimit = resolved.Limit, FileOffset = resolved.FileOffset, FileName = resolved.Path };
        AddBuildId(mapping, SemanticConventions.ProcessExecutableBuildIdGnu, resolved.GnuBuildId);
        AddBuildId(mapping, SemanticConventions.ProcessExecutableBuildIdGo, resolved.GoBuildId);
        AddBuildId(mapping, SemanticConventions.ProcessExecutableBuildIdHtlhash, resolved.HtlHash);
        _mappings.Add(resolved, mapping);
        return mapping;
    }

    private static void AddBuildId(Mapping mapping, string key, string? value)
    {
        if (value is not null)
        {
            mapping.Attributes.Add(KeyValueAndUnit.String(key, value));
        }
    }

    private sealed class ProcessProfile(ProcessInfo info)
    {
        public ProcessInfo Info { get; } = info;

        public Dictionary<ulong, Location> Locations { get; } = [];

        public Dictionary<SampleKey, Sample> Samples { get; } = [];
    }

    /// <summary>Identity of an aggregated stack: thread name and the addresses of both stacks.</summary>
    private sealed class SampleKey(string thread, IReadOnlyList<ResolvedFrame> kernel, IReadOnlyList<ResolvedFrame> user) : IEquatable<SampleKey>
    {
        private readonly int _hash = Hash(thread, kernel, user);

        public bool Equals(SampleKey? other) =>
            other is not null && _hash == other._hash && thread == other.Thread && SameAddresses(kernel, other.Kernel) && SameAddresses(user, other.User);

        public override bool Equals(object? obj) => Equals(obj as SampleKey);

        public override int GetHashCode() => _hash;

        private string Thread => thread;

        private IReadOnlyList<ResolvedFrame> Kernel => kernel;

        private IReadOnlyList<ResolvedFrame> User => user;

        private static bool SameAddresses(IReadOnlyList<ResolvedFrame> left, IReadOnlyList<ResolvedFrame> right)
        {
            if (left.Count != right.Count)
            {
                return false;
            }

            for (var i = 0; i < left.Count; i++)
            {
                if (left[i].Address != right[i].Address)
                {
                    return false;
                }
            }

            return true;
        }

        private static int Hash(string thread, IReadOnlyList<ResolvedFrame> kernel, IReadOnlyList<ResolvedFrame> user)
        {
            var hash = default(HashCode);
            hash.Add(thread, StringComparer.Ordinal);
            foreach (var frame in kernel)
            {
                hash.Add(frame.Address);
            }

            hash.Add(-1);
            foreach (var frame in user)
            {
                hash.Add(frame.Address);
            }

            return hash.ToHashCode();
        }
    }
}
