using System.Globalization;

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
/// </remarks>
public sealed class KernelSymbolTable
{
    private readonly ulong[] _addresses;
    private readonly string[] _names;
    private readonly string?[] _modules;
    private readonly bool[] _isText;

    private KernelSymbolTable(ulong[] addresses, string[] names, string?[] modules, bool[] isText, bool available)
    {
        _addresses = addresses;
        _names = names;
        _modules = modules;
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
            return new KernelSymbolTable([], [], [], [], available: false);
        }

        entries.Sort(static (a, b) =>
            a.Address != b.Address ? a.Address.CompareTo(b.Address)
            : a.IsText != b.IsText ? b.IsText.CompareTo(a.IsText)
            : a.IsGlobal != b.IsGlobal ? b.IsGlobal.CompareTo(a.IsGlobal)
            : SymbolNames.LeadingUnderscores(a.Name) != SymbolNames.LeadingUnderscores(b.Name) ? SymbolNames.LeadingUnderscores(a.Name).CompareTo(SymbolNames.LeadingUnderscores(b.Name))
            : a.Name.Length != b.Name.Length ? a.Name.Length.CompareTo(b.Name.Length)
            : a.Line.CompareTo(b.Line));
        var addresses = new List<ulong>(entries.Count);
        var names = new List<string>(entries.Count);
        var owners = new List<string?>(entries.Count);
        var isText = new List<bool>(entries.Count);
        foreach (var entry in entries)
        {
            // Aliases at one address: keep the first (a text symbol when there is one).
            if (addresses.Count > 0 && addresses[^1] == entry.Address)
            {
                continue;
            }

            addresses.Add(entry.Address);
            names.Add(entry.Name);
            owners.Add(entry.Module);
            isText.Add(entry.IsText);
        }

        return new KernelSymbolTable([.. addresses], [.. names], [.. owners], [.. isText], available: true);
    }

    /// <summary>The text symbol containing <paramref name="address"/>, or null (also when unavailable).</summary>
    public KernelSymbol? Lookup(ulong address)
    {
        var index = Array.BinarySearch(_addresses, address);
        if (index < 0)
        {
            index = ~index - 1;
        }

        if (index < 0 || !_isText[index] || IsEndMarker(_names[index]))
        {
            return null;
        }

        return new KernelSymbol(_names[index], _addresses[index], _modules[index]);
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
