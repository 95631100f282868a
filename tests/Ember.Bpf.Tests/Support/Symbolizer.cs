using System.Globalization;

namespace Ember.Bpf.Tests.Support;

/// <summary>Names addresses with real tools: llvm-symbolizer for an ELF file, /proc/kallsyms for the kernel.</summary>
internal static class Symbolizer
{
    /// <summary>The function containing each ELF virtual address of <paramref name="elf"/>, via llvm-symbolizer-14.</summary>
    public static IReadOnlyList<string> Functions(string elf, IEnumerable<ulong> addresses)
    {
        var arguments = new List<string> { "--obj=" + elf, "--functions=linkage", "--no-inlines" };
        arguments.AddRange(addresses.Select(address => "0x" + address.ToString("x", CultureInfo.InvariantCulture)));
        var output = Tools.Run(Tools.Require("llvm-symbolizer-14", "llvm-14"), arguments);

        // One "function\nfile:line:column\n\n" block per address.
        return output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n')[0])
            .ToArray();
    }

    /// <summary>Kernel text symbols from /proc/kallsyms (real addresses, since the tests run as root), sorted.</summary>
    public static KernelSymbols ReadKallsyms()
    {
        var symbols = new List<(ulong Address, string Name)>();
        foreach (var line in File.ReadLines("/proc/kallsyms"))
        {
            var fields = line.Split(' ', 4);
            if (fields.Length >= 3 && fields[1] is "t" or "T")
            {
                symbols.Add((ulong.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields[2].Split('\t')[0]));
            }
        }

        symbols.Sort((a, b) => a.Address.CompareTo(b.Address));
        return new KernelSymbols(symbols);
    }

    internal sealed class KernelSymbols(List<(ulong Address, string Name)> symbols)
    {
        /// <summary>The nearest text symbol at or below <paramref name="address"/>, or null below the first.</summary>
        public string? Find(ulong address)
        {
            var index = symbols.BinarySearch((address, string.Empty), Comparer<(ulong Address, string Name)>.Create(
                (a, b) => a.Address.CompareTo(b.Address)));
            index = index >= 0 ? index : ~index - 1;
            return index >= 0 && symbols[index].Address != 0 ? symbols[index].Name : null;
        }
    }
}
