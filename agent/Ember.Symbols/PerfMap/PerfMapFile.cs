using System.Globalization;
using System.Text;

namespace Ember.Symbols.PerfMap;

/// <summary>
/// A <c>/tmp/perf-PID.map</c> file as written by JIT runtimes for Linux perf: .NET with
/// <c>DOTNET_PerfMapEnabled</c>, Node with <c>--perf-basic-prof</c>, Java through perf-map-agent, CPython
/// 3.12 with <c>-X perf</c>. Each line is <c>START SIZE name</c> (hex, with or without <c>0x</c>;
/// names may contain spaces). The file only grows while the process lives, so
/// <see cref="Refresh"/> reads just the appended lines; a file that shrank or whose beginning changed
/// (a new process reusing the PID) is read again from the start.
/// </summary>
/// <remarks>
/// When ranges overlap (code freed and re-JITted at the same address), the line written last wins.
/// Thread-safe.
/// </remarks>
public sealed class PerfMapFile
{
    /// <summary>Most bytes consumed by one <see cref="Refresh"/>, so a huge map is read over several calls.</summary>
    public const int MaxBytesPerRefresh = 64 * 1024 * 1024;

    private const int FingerprintBytes = 256;

    private readonly Lock _lock = new();
    private readonly List<PerfMapSymbol> _symbols = [];
    private byte[] _fingerprint = [];
    private long _offset;
    private Index? _index;

    /// <summary>Tracks the perf map at <paramref name="path"/>; nothing is read until <see cref="Refresh"/>.</summary>
    public PerfMapFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <summary>Path of the map file.</summary>
    public string Path { get; }

    /// <summary>Number of symbols read so far.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _symbols.Count;
            }
        }
    }

    /// <summary>Bytes of the file consumed so far (up to the end of the last complete line).</summary>
    public long Offset
    {
        get
        {
            lock (_lock)
            {
                return _offset;
            }
        }
    }

    /// <summary>
    /// Reads lines appended since the last call; starts over when the file was truncated or rewritten.
    /// Returns true when symbols were added or replaced. A missing file leaves the map empty.
    /// </summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The caller may not read the file.</exception>
    public bool Refresh()
    {
        lock (_lock)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return Reset();
            }

            using (stream)
            {
                var changed = false;
                if (stream.Length < _offset || !SameBeginning(stream))
                {
                    changed = Reset();
                }

                return ReadAppended(stream) | changed;
            }
        }
    }

    /// <summary>The symbol whose range contains <paramref name="address"/>, or null.</summary>
    public PerfMapSymbol? Lookup(ulong address)
    {
        lock (_lock)
        {
            _index ??= new Index(_symbols);
            return _index.Lookup(address);
        }
    }

    /// <summary>Parses one map line; false for lines that are not <c>START SIZE name</c>.</summary>
    public static bool TryParseLine(ReadOnlySpan<char> line, out PerfMapSymbol symbol)
    {
        symbol = default;
        line = line.TrimEnd('\r');
        var firstSpace = line.IndexOf(' ');
        if (firstSpace <= 0)
        {
            return false;
        }

        var rest = line[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf(' ');
        if (secondSpace <= 0 || !TryParseHex(line[..firstSpace], out var start) || !TryParseHex(rest[..secondSpace], out var size))
        {
            return false;
        }

        var name = rest[(secondSpace + 1)..].Trim();
        if (name.IsEmpty)
        {
            return false;
        }

        symbol = new PerfMapSymbol(start, size, name.ToString());
        return true;
    }

    private static bool TryParseHex(ReadOnlySpan<char> text, out ulong value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        return ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private bool Reset()
    {
        var hadSymbols = _symbols.Count > 0;
        _symbols.Clear();
        _fingerprint = [];
        _offset = 0;
        _index = null;
        return hadSymbols;
    }

    /// <summary>True when the file still starts with the bytes seen when it was first read.</summary>
    private bool SameBeginning(FileStream stream)
    {
        if (_fingerprint.Length == 0)
        {
            return true;
        }

        var current = new byte[_fingerprint.Length];
        stream.Position = 0;
        stream.ReadAtLeast(current, current.Length, throwOnEndOfStream: false);
        return current.AsSpan().SequenceEqual(_fingerprint);
    }

    private bool ReadAppended(FileStream stream)
    {
        var available = Math.Min(stream.Length - _offset, MaxBytesPerRefresh);
        if (available <= 0)
        {
            return false;
        }

        var bytes = new byte[available];
        stream.Position = _offset;
        var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        // Only complete lines: the runtime may be in the middle of writing the last one.
        var complete = bytes.AsSpan(0, read).LastIndexOf((byte)'\n') + 1;
        if (complete == 0)
        {
            return false;
        }

        if (_offset == 0)
        {
            _fingerprint = bytes.AsSpan(0, Math.Min(complete, FingerprintBytes)).ToArray();
        }

        var added = false;
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, complete).AsSpan().EnumerateLines())
        {
            if (TryParseLine(line, out var symbol))
            {
                _symbols.Add(symbol);
                added = true;
            }
        }

        _offset += complete;
        if (added)
        {
            _index = null;
        }

        return added;
    }

    /// <summary>
    /// Symbols sorted by start with a running maximum of range ends, so a lookup finds every range that
    /// may contain an address by walking back only while that maximum still reaches it.
    /// </summary>
    private sealed class Index
    {
        private readonly ulong[] _starts;
        private readonly ulong[] _maxEnds;
        private readonly int[] _order;
        private readonly List<PerfMapSymbol> _symbols;

        public Index(List<PerfMapSymbol> symbols)
        {
            _symbols = symbols;
            _order = new int[symbols.Count];
            for (var i = 0; i < _order.Length; i++)
            {
                _order[i] = i;
            }

            Array.Sort(_order, (a, b) =>
            {
                var byStart = symbols[a].Start.CompareTo(symbols[b].Start);
                return byStart != 0 ? byStart : a.CompareTo(b);
            });
            _starts = new ulong[_order.Length];
            _maxEnds = new ulong[_order.Length];
            ulong maxEnd = 0;
            for (var i = 0; i < _order.Length; i++)
            {
                var symbol = symbols[_order[i]];
                _starts[i] = symbol.Start;
                maxEnd = Math.Max(maxEnd, symbol.End);
                _maxEnds[i] = maxEnd;
            }
        }

        public PerfMapSymbol? Lookup(ulong address)
        {
            var i = Array.BinarySearch(_starts, address);
            if (i < 0)
            {
                i = ~i - 1;
            }
            else
            {
                // Equal starts are ordered by line; begin from the last of them.
                while (i + 1 < _starts.Length && _starts[i + 1] == address)
                {
                    i++;
                }
            }

            var best = -1;
            for (; i >= 0 && _maxEnds[i] > address; i--)
            {
                var line = _order[i];
                if (_symbols[line].Contains(address) && line > best)
                {
                    best = line;
                }
            }

            return best < 0 ? null : _symbols[best];
        }
    }
}
