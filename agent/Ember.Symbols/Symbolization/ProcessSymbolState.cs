using System.Globalization;
using Ember.Symbols.PerfMap;
using Ember.Symbols.Processes;

namespace Ember.Symbols.Symbolization;

/// <summary>
/// What the symbolizer remembers about one process: its memory mappings (re-read when an address
/// falls outside all of them, at most once per refresh interval) and its perf map, read through the
/// process's own root and PID namespace.
/// </summary>
internal sealed class ProcessSymbolState
{
    private readonly Lock _lock = new();
    private readonly string _procRoot;
    private readonly int _pid;
    private readonly TimeSpan _refreshInterval;
    private IReadOnlyList<ProcessMapping> _mappings = [];
    private long _mapsReadAt = long.MinValue;
    private PerfMapFile? _perfMap;
    private long _perfMapReadAt = long.MinValue;

    public ProcessSymbolState(string procRoot, int pid, TimeSpan refreshInterval)
    {
        _procRoot = procRoot;
        _pid = pid;
        _refreshInterval = refreshInterval;
    }

    /// <summary>Reads the mappings and the perf map now, while the process lives, and returns the mappings.</summary>
    public IReadOnlyList<ProcessMapping> Capture()
    {
        lock (_lock)
        {
            _mapsReadAt = Environment.TickCount64;
            try
            {
                _mappings = ProcMapsParser.Read(_pid, _procRoot);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone already: nothing to capture.
            }

            _perfMap ??= new PerfMapFile(PerfMapPath());
            _perfMapReadAt = Environment.TickCount64;
            try
            {
                _perfMap.Refresh();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // No perf map (most processes): JIT frames stay unnamed.
            }

            return _mappings;
        }
    }

    /// <summary>The mapping containing <paramref name="address"/>, re-reading the maps if it is not known yet.</summary>
    public ProcessMapping? FindMapping(ulong address)
    {
        lock (_lock)
        {
            var found = Find(_mappings, address);
            if (found is null && Due(_mapsReadAt))
            {
                _mapsReadAt = Environment.TickCount64;
                try
                {
                    _mappings = ProcMapsParser.Read(_pid, _procRoot);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The process is gone or hidden; keep what was known.
                }

                found = Find(_mappings, address);
            }

            return found;
        }
    }

    /// <summary>The perf-map symbol for JIT code at <paramref name="address"/>, re-reading appended lines on a miss.</summary>
    public PerfMapSymbol? LookupJit(ulong address)
    {
        lock (_lock)
        {
            _perfMap ??= new PerfMapFile(PerfMapPath());
            var found = _perfMap.Lookup(address);
            if (found is null && Due(_perfMapReadAt))
            {
                _perfMapReadAt = Environment.TickCount64;
                try
                {
                    _perfMap.Refresh();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // No readable map: JIT frames stay unnamed.
                }

                found = _perfMap.Lookup(address);
            }

            return found;
        }
    }

    private bool Due(long lastRead) =>
        lastRead == long.MinValue || Environment.TickCount64 - lastRead >= (long)_refreshInterval.TotalMilliseconds;

    private static ProcessMapping? Find(IReadOnlyList<ProcessMapping> mappings, ulong address)
    {
        // Maps are sorted by address.
        int low = 0, high = mappings.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var mapping = mappings[middle];
            if (address < mapping.Start)
            {
                high = middle - 1;
            }
            else if (address >= mapping.End)
            {
                low = middle + 1;
            }
            else
            {
                return mapping;
            }
        }

        return null;
    }

    /// <summary>
    /// The runtime writes /tmp/perf-&lt;pid&gt;.map with the PID and /tmp of its own namespaces:
    /// read it through /proc/PID/root with the innermost PID from NSpid.
    /// </summary>
    private string PerfMapPath()
    {
        var pidText = _pid.ToString(CultureInfo.InvariantCulture);
        var namespacePid = NamespacePid.Read(_procRoot, _pid).ToString(CultureInfo.InvariantCulture);
        return Path.Combine(_procRoot, pidText, "root", "tmp", $"perf-{namespacePid}.map");
    }
}
