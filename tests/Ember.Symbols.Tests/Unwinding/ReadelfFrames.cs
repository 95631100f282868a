using System.Globalization;
using System.Text.RegularExpressions;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Unwinding;

/// <summary>
/// The peer: <c>readelf --debug-dump=frames-interp</c> (binutils), parsed into CIEs, FDEs and their
/// interpreted rows (LOC, CFA, rbp, ra columns as readelf prints them).
/// </summary>
internal static partial class ReadelfFrames
{
    public sealed record Row(ulong Location, string Cfa, string? Rbp, string? Ra);

    public sealed record Entry(int Offset, int CieOffset, string Augmentation, ulong Begin, ulong End, List<Row> Rows);

    /// <summary>One dumped section: CIEs (with their initial rows) and FDEs by section offset.</summary>
    public sealed record Section(Dictionary<int, Entry> Cies, List<Entry> Fdes);

    public static Dictionary<string, Section> Dump(string path)
    {
        var readelf = ExternalProcess.Require("readelf", "binutils");
        // readelf 2.40 exits 1 without a message on Debian's libc (it looks for separate debug info):
        // the dump itself is complete, so only a missing dump is a failure.
        var result = ExternalProcess.Run(readelf, ["--debug-dump=frames-interp", "--wide", path]);
        var output = result.StandardOutput;
        if (result.ExitCode is not (0 or 1) || !output.Contains("Contents of the ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"readelf --debug-dump=frames-interp {path} exited {result.ExitCode}: {result.StandardError}");
        }

        var sections = new Dictionary<string, Section>();
        Section? section = null;
        Entry? current = null;
        string[] columns = [];
        foreach (var line in output.Split('\n'))
        {
            if (SectionLine().Match(line) is { Success: true } s)
            {
                section = new Section([], []);
                sections[s.Groups[1].Value] = section;
                current = null;
            }
            else if (section is not null && CieLine().Match(line) is { Success: true } c)
            {
                current = new Entry(Hex(c.Groups[1].Value), Hex(c.Groups[1].Value), c.Groups[2].Value, 0, 0, []);
                section.Cies[current.Offset] = current;
            }
            else if (section is not null && FdeLine().Match(line) is { Success: true } f)
            {
                current = new Entry(Hex(f.Groups[1].Value), Hex(f.Groups[2].Value), "",
                    ulong.Parse(f.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    ulong.Parse(f.Groups[4].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), []);
                section.Fdes.Add(current);
            }
            else if (line.TrimStart().StartsWith("LOC ", StringComparison.Ordinal))
            {
                columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
            else if (current is not null && RowLine().IsMatch(line))
            {
                var values = Values(line);
                string? Column(string name) => Array.IndexOf(columns, name) is var i and >= 0 && i < values.Count ? values[i] : null;
                current.Rows.Add(new Row(ulong.Parse(values[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    Column("CFA") ?? "", Column("rbp"), Column("ra")));
            }
        }

        return sections;
    }

    // A register rule prints as "r10 (r10)": the parenthesized name belongs to the value before it.
    private static List<string> Values(string line)
    {
        var values = new List<string>();
        foreach (var token in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith('(') && values.Count > 0)
            {
                values[^1] += " " + token;
            }
            else
            {
                values.Add(token);
            }
        }

        return values;
    }

    private static int Hex(string text) => int.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^Contents of the (\.\w+) section")]
    private static partial Regex SectionLine();

    [GeneratedRegex(@"^([0-9a-f]{8,16}) [0-9a-f]+ [0-9a-f]+ CIE ""([^""]*)""")]
    private static partial Regex CieLine();

    [GeneratedRegex(@"^([0-9a-f]{8,16}) [0-9a-f]+ [0-9a-f]+ FDE cie=([0-9a-f]+) pc=([0-9a-f]+)\.\.([0-9a-f]+)")]
    private static partial Regex FdeLine();

    [GeneratedRegex(@"^[0-9a-f]{16} ")]
    private static partial Regex RowLine();
}
