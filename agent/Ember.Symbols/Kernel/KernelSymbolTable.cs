using System.Globalization;
using System.Text;

namespace Ember.Symbols.Kernel;

/// <summary>
/// Kernel symbols from <c>/proc/kallsyms</c> (<c>ADDRESS TYPE NAME[\t[MODULE]]</c>), for naming kernel
/// frames. kallsyms has no sizes, so each symbol extends to the next one; only text symbols
/// (<c>t</c>, <c>T</c>, <c>w</c>, <c>W</c>) name an address, the others just end the preceding range.
/// </summary>
/// <remarks>
/// Aliases at one address resolve to one name: a text symbol, then a global one, then the one with
/// fewer leading underscores, then the shorter name (<c>__x86_indirect_thunk_rax</c> over
/// <c>__pi___x86_indirect_thunk_rax</c>).
/// When <c>kernel.kptr_restrict</c> (or missing CAP_SYSLOG) hides addresses, the kernel prints them all
/// as zero; the table then reports <see cref="IsAvailable"/> false and names nothing rather than
/// attributing every address to one symbol. Immutable and thread-safe.
/// Names live in one UTF-8 buffer and modules as indices into a small table: a kernel has over
/// 100,000 symbols, and one string object per name cost the agent about 11 MiB of its memory.
/// </remarks>
public sealed class KernelSymbolTable
{
    private readonly ulong[] _addresses;
    private readonly byte[] _nameBytes;
    private readonly int[] _nameStarts;
    private readonly ushort[] _moduleIndices;
    private readonly string?[] _moduleNames;
    private readonly bool[] _isText;

    private KernelSymbolTable(ulong[] addresses, byte[] nameBytes, int[] nameStarts, ushort[] moduleIndices, string?[] moduleNames, bool[] isText, bool available)
    {
        _addresses = addresses;
        _nameBytes = nameBytes;
        _nameStarts = nameStarts;
        _moduleIndices = moduleIndices;
        _moduleNames = moduleNames;
        _isText = isText;
        IsAvailable = available;
    }

    /// <summary>False when kallsyms was unreadable or its addresses were hidden (all zero).</summary>
    public bool IsAvailable { get; }

    /// <summary>Number of symbols kept.</summary>
    public int Count => _addresses.Length;

    /// <summary>Reads <c>/proc/kallsyms</c> (or another file in the same format).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static KernelSymbolTable Load(string path = "/proc/kallsyms") => Parse(File.ReadLines(path));

    /// <summary>Parses kallsyms lines; malformed lines are skipped.</summary>
    public static KernelSymbolTable Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var entries = new List<(ulong Address, string Name, string? Module, bool IsText, bool IsGlobal, int Line)>();
        var modules = new Dictionary<string, string>(StringComparer.Ordinal);
        var anyNonZero = false;
        foreach (var line in lines)
        {
            if (!TryParseLine(line, modules, out var entry))
            {
                continue;
            }

            anyNonZero |= entry.Address != 0 && entry.IsText;
            entries.Add((entry.Address, entry.Name, entry.Module, entry.IsText, entry.IsGlobal, entries.Count));
        }

        if (!anyNonZero)
        {
            return new KernelSymbolTable([], [], [0], [], [null], [], available: false);
        }

        entries.Sort(static (a, b) =>
            a.Address != b.Address ? a.Address.CompareTo(b.Address)
            : a.IsText != b.IsText ? b.IsText.CompareTo(a.IsText)
            : a.IsGlobal != b.IsGlobal ? b.IsGlobal.CompareTo(a.IsGlobal)
            : SymbolNames.LeadingUnderscores(a.Name) != SymbolNames.LeadingUnderscores(b.Name) ? SymbolNames.LeadingUnderscores(a.Name).CompareTo(SymbolNames.LeadingUnderscores(b.Name))
            : a.Name.Length != b.Name.Length ? a.Name.Length.CompareTo(b.Name.Length)
            : a.Line.CompareTo(b.Line));
        var addresses = new List<ulong>(entries.Count);
        var names = new MemoryStream();
        var nameStarts = new List<int>(entries.Count + 1);
        var moduleIndices = new List<ushort>(entries.Count);
        var moduleNames = new List<string?> { null };
        var moduleIndexByName = new Dictionary<string, ushort>(StringComparer.Ordinal);
        var isText = new List<bool>(entries.Count);
        foreach (var entry in entries)
        {
            // Aliases at one address: keep the first (a text symbol when there is one).
            if (addresses.Count > 0 && addresses[^1] == entry.Address)
            {
                continue;
            }

            addresses.Add(entry.Address);
            nameStarts.Add((int)names.Length);
            names.Write(Encoding.UTF8.GetBytes(entry.Name));
            moduleIndices.Add(ModuleIndex(entry.Module, moduleNames, moduleIndexByName));
            isText.Add(entry.IsText);
        }

        nameStarts.Add((int)names.Length);
        return new KernelSymbolTable([.. addresses], names.ToArray(), [.. nameStarts], [.. moduleIndices], [.. moduleNames], [.. isText], available: true);
    }

    /// <summary>The text symbol containing <paramref name="address"/>, or null (also when unavailable).</summary>
    public KernelSymbol? Lookup(ulong address)
    {
        var index = Array.BinarySearch(_addresses, address);
        if (index < 0)
        {
            index = ~index - 1;
        }

        if (index < 0 || !_isText[index])
        {
            return null;
        }

        var name = Encoding.UTF8.GetString(_nameBytes, _nameStarts[index], _nameStarts[index + 1] - _nameStarts[index]);
        return IsEndMarker(name) ? null : new KernelSymbol(name, _addresses[index], _moduleNames[_moduleIndices[index]]);
    }

    private static ushort ModuleIndex(string? module, List<string?> moduleNames, Dictionary<string, ushort> moduleIndexByName)
    {
        if (module is null)
        {
            return 0;
        }

        if (!moduleIndexByName.TryGetValue(module, out var index))
        {
            // More modules than a ushort can count would be a kernel no one runs; they share "unknown".
            index = moduleNames.Count <= ushort.MaxValue ? (ushort)moduleNames.Count : (ushort)0;
            if (index != 0)
            {
                moduleNames.Add(module);
                moduleIndexByName[module] = index;
            }
        }

        return index;
    }

    // _etext and friends close the kernel image: nothing after them is that symbol's code.
    private static bool IsEndMarker(string name) => name is "_etext" or "_end" or "__end_rodata";

    private static bool TryParseLine(string line, Dictionary<string, string> modules, out (ulong Address, string Name, string? Module, bool IsText, bool IsGlobal) entry)
    {
        entry = default;
        var span = line.AsSpan();
        var firstSpace = span.IndexOf(' ');
        if (firstSpace <= 0 || span.Length < firstSpace + 4 || span[firstSpace + 2] != ' '
            || !ulong.TryParse(span[..firstSpace], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address))
        {
            return false;
        }

        var type = span[firstSpace + 1];
        var rest = span[(firstSpace + 3)..];
        string? module = null;
        var tab = rest.IndexOf('\t');
        if (tab >= 0)
        {
            var owner = rest[(tab + 1)..].Trim().Trim("[]");
            if (!owner.IsEmpty)
            {
                var key = owner.ToString();
                module = modules.TryGetValue(key, out var interned) ? interned : modules[key] = key;
            }

            rest = rest[..tab];
        }

        if (rest.IsEmpty)
        {
            return false;
        }

        entry = (address, rest.ToString(), module, type is 't' or 'T' or 'w' or 'W', char.IsUpper(type));
        return true;
    }
}
