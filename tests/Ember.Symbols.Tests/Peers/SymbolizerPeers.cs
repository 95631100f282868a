using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ember.Symbols.Tests.Peers;

/// <summary>llvm-symbolizer and addr2line as oracles: the name each gives for an ELF virtual address.</summary>
internal static class SymbolizerPeers
{
    /// <summary>Function name per address from <c>llvm-symbolizer --obj</c> (JSON output); null where it says unknown.</summary>
    public static IReadOnlyList<(string? Name, ulong? Start)> LlvmSymbolizer(string binary, IReadOnlyList<ulong> addresses)
    {
        var tool = ExternalProcess.Require("llvm-symbolizer", "llvm");
        var input = new StringBuilder();
        foreach (var address in addresses)
        {
            input.Append(CultureInfo.InvariantCulture, $"0x{address:x}\n");
        }

        var output = ExternalProcess.RunChecked(tool, ["--obj=" + binary, "--no-demangle", "--output-style=JSON",
            // Symbol tables are under test: keep it from finding separate DWARF in /usr/lib/debug.
            "--debug-file-directory=/nonexistent"], standardInput: input.ToString());
        var result = new List<(string?, ulong?)>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            var frame = document.RootElement.GetProperty("Symbol")[0];
            var name = frame.GetProperty("FunctionName").GetString();
            var start = frame.GetProperty("StartAddress").GetString();
            result.Add((string.IsNullOrEmpty(name) ? null : name,
                string.IsNullOrEmpty(start) ? null : ulong.Parse(start.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }

        Assert.Equal(addresses.Count, result.Count);
        return result;
    }

    /// <summary>Function name per address from <c>addr2line -f -e</c>; null where it prints <c>??</c>.</summary>
    public static IReadOnlyList<string?> Addr2Line(string binary, IReadOnlyList<ulong> addresses)
    {
        var tool = ExternalProcess.Require("addr2line", "binutils");
        var input = string.Concat(addresses.Select(a => string.Create(CultureInfo.InvariantCulture, $"0x{a:x}\n")));
        var lines = ExternalProcess.RunChecked(tool, ["-f", "-e", binary], standardInput: input).Split('\n');
        var result = new List<string?>();
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            result.Add(lines[i] == "??" ? null : lines[i]);
        }

        Assert.Equal(addresses.Count, result.Count);
        return result;
    }

    /// <summary>binutils' <c>addr2line</c> file:line of each ELF address (its line table's row; null for "??:0").</summary>
    public static IReadOnlyList<string?> Addr2LineFileLine(string binary, IReadOnlyList<ulong> addresses)
    {
        var tool = ExternalProcess.Require("addr2line", "binutils");
        var input = string.Concat(addresses.Select(a => string.Create(CultureInfo.InvariantCulture, $"0x{a:x}\n")));
        var lines = ExternalProcess.RunChecked(tool, ["-e", binary], standardInput: input).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(addresses.Count, lines.Length);
        // "file.c:12 (discriminator 3)": the discriminator is no part of the line.
        return lines.Select(l => l.Split(' ')[0]).Select(l => l.StartsWith("??", StringComparison.Ordinal) || l.EndsWith(":0", StringComparison.Ordinal) || l.EndsWith(":?", StringComparison.Ordinal) ? null : l).ToList();
    }

    /// <summary>Every symbol <c>nm</c> lists for a file (dynamic table when <paramref name="dynamic"/>).</summary>
    public static IReadOnlyList<(ulong Address, ulong? Size, char Kind, string Name)> Nm(string binary, bool dynamic)
    {
        var tool = ExternalProcess.Require("nm", "binutils");
        string[] args = dynamic ? ["-D", "-S", "--defined-only", binary] : ["-S", "--defined-only", binary];
        var result = new List<(ulong, ulong?, char, string)>();
        foreach (var line in ExternalProcess.RunChecked(tool, args).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 4);
            var address = ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (parts.Length == 4)
            {
                result.Add((address, ulong.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture), parts[2][0], StripVersion(parts[3])));
            }
            else if (parts.Length == 3)
            {
                result.Add((address, null, parts[1][0], StripVersion(parts[2])));
            }
        }

        return result;
    }

    /// <summary>
    /// Names that share each address (aliases), from <c>nm</c> over both symbol tables. Tools pick
    /// different aliases (llvm-symbolizer takes the lexically greatest of equal-size ones; we prefer
    /// global binding), and any alias names the same code.
    /// </summary>
    public static ILookup<ulong, string> Aliases(string binary) =>
        Nm(binary, dynamic: false).Concat(Nm(binary, dynamic: true))
            .Where(s => char.ToLowerInvariant(s.Kind) is 't' or 'w' or 'i')
            .ToLookup(s => s.Address, s => s.Name);

    private static string StripVersion(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? name : name[..at];
    }
}
