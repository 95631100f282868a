using System.Globalization;
using System.Text.RegularExpressions;

namespace Ember.TestSupport.Perf;

/// <summary>
/// Reads a perf.data file with <c>perf script</c> into samples. perf 6.1 has no <c>dsoff</c> field, so
/// each frame is ip, sym and dso; <c>--no-inline</c> keeps one frame per return address, as the agent
/// reports them, instead of perf's synthesized frames for functions inlined into a caller.
/// perf reads symbols through a symfs of links to the recorded binaries only, so it names frames from
/// the same files the agent reads: separate debug info (libc6-dbg's /usr/lib/debug) would name
/// libc's start-up frames for perf alone, and lend its .debug_frame to perf's unwinder.
/// </summary>
public static partial class PerfScript
{
    /// <summary>The fields asked for; the parser reads exactly this layout.</summary>
    public const string Fields = "comm,pid,tid,ip,sym,dso";

    /// <summary>Runs <c>perf script</c> on <paramref name="dataFile"/> and parses every sample.</summary>
    public static IReadOnlyList<PerfSample> Read(string dataFile)
    {
        var perf = ExternalProcess.Require("perf", "linux-perf");
        var symfs = Directory.CreateTempSubdirectory("ember-perf-symfs-").FullName;
        try
        {
            LinkRecordedBinaries(perf, dataFile, symfs);
            var text = ExternalProcess.RunChecked(perf, ["script", "-i", dataFile, "--no-inline", "--symfs", symfs, "-F", Fields], timeout: TimeSpan.FromMinutes(2));
            return Parse(text);
        }
        finally
        {
            Directory.Delete(symfs, recursive: true);
        }
    }

    /// <summary>Links every binary the recording names (perf buildid-list: "BUILDID PATH") under <paramref name="symfs"/> at its own path.</summary>
    private static void LinkRecordedBinaries(string perf, string dataFile, string symfs)
    {
        var list = ExternalProcess.RunChecked(perf, ["buildid-list", "-i", dataFile], timeout: TimeSpan.FromMinutes(1));
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var path = line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..];
            if (!path.StartsWith('/') || !File.Exists(path))
            {
                continue; // [kernel.kallsyms], [vdso]: perf finds those itself
            }

            var link = symfs + path;
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, path);
        }
    }

    /// <summary>
    /// Parses <c>perf script -F comm,pid,tid,ip,sym,dso</c> output: a header line per sample
    /// (<c>COMM PID/TID</c>, the command may contain spaces), then one indented frame line per
    /// call-chain entry, leaf first (<c>IP SYM (DSO)</c>), then a blank line. A sample without a call
    /// chain has its one frame on the header line.
    /// </summary>
    public static IReadOnlyList<PerfSample> Parse(string text)
    {
        var samples = new List<PerfSample>();
        (string Command, int Pid, int Tid)? current = null;
        var frames = new List<PerfFrame>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]) && line.Trim().Length > 0)
            {
                frames.Add(Frame(line, current is not null));
                continue;
            }

            Finish();
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var header = HeaderLine().Match(line);
            if (!header.Success)
            {
                throw new FormatException($"perf script printed an unexpected line: '{line}'");
            }

            current = (header.Groups["comm"].Value, int.Parse(header.Groups["pid"].Value, CultureInfo.InvariantCulture), int.Parse(header.Groups["tid"].Value, CultureInfo.InvariantCulture));
            if (header.Groups["frame"].Value.Length > 0)
            {
                frames.Add(Frame(header.Groups["frame"].Value, true));
            }
        }

        Finish();
        return samples;

        void Finish()
        {
            if (current is { } sample)
            {
                samples.Add(new PerfSample(sample.Command, sample.Pid, sample.Tid, frames));
                frames = [];
                current = null;
            }
        }
    }

    private static PerfFrame Frame(string line, bool inSample)
    {
        var match = FrameLine().Match(line);
        if (!inSample || !match.Success)
        {
            throw new FormatException($"perf script printed an unexpected frame line: '{line}'");
        }

        var symbol = match.Groups["sym"].Value;
        return new PerfFrame(
            symbol == "[unknown]" ? null : WithoutVersion(symbol),
            match.Groups["dso"].Value,
            ulong.Parse(match.Groups["ip"].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
    }

    // perf prints a versioned dynamic symbol with its version (__libc_start_main@@GLIBC_2.34); the
    // function is the same one other tools name without it.
    private static string WithoutVersion(string symbol) => symbol.IndexOf('@', StringComparison.Ordinal) is > 0 and var at ? symbol[..at] : symbol;

    // The command is everything before the last "PID/TID"; what follows is the frame of a sample without a call chain.
    [GeneratedRegex(@"^(?<comm>.*?)\s+(?<pid>\d+)/(?<tid>\d+)\s*(?<frame>.*)$")]
    private static partial Regex HeaderLine();

    // The dso is the last parenthesised group; it may hold one nested group itself ("/memfd:x (deleted)"),
    // and the symbol may contain spaces and parentheses (demangled C++ signatures).
    [GeneratedRegex(@"^\s*(?<ip>[0-9a-f]+)\s+(?<sym>.+?)\s+\((?<dso>[^()]*(?:\([^()]*\)[^()]*)*)\)\s*$")]
    private static partial Regex FrameLine();
}
