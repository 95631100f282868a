using System.Text;

namespace Ember.Symbols.Elf;

/// <summary>
/// Address → function lookup over the defined functions of an ELF file's <c>.symtab</c> and
/// <c>.dynsym</c>: sorted parallel arrays searched by binary search, names kept as UTF-8 bytes and
/// turned into strings only for the symbols actually looked up.
/// </summary>
/// <remarks>
/// Rules: several symbols at one address (aliases, the same symbol in both tables) collapse to one,
/// preferring global over weak over local binding, then a recorded size over none, then fewer leading
/// underscores (<c>malloc</c> over <c>__libc_malloc</c>), then the shorter name. A symbol with
/// size 0 covers everything up to the next symbol (or the end of its section). An address past the
/// end of the nearest preceding sized symbol has no symbol. Immutable and thread-safe once built.
/// </remarks>
public sealed class ElfSymbolTable
{
    private readonly ulong[] _starts;
    private readonly ulong[] _ends;
    private readonly int[] _nameStarts;
    private readonly byte[] _names;

    private ElfSymbolTable(ulong[] starts, ulong[] ends, int[] nameStarts, byte[] names)
    {
        _starts = starts;
        _ends = ends;
        _nameStarts = nameStarts;
        _names = names;
    }

    /// <summary>A table with no symbols (for files whose symbol tables were stripped).</summary>
    public static ElfSymbolTable Empty { get; } = new([], [], [0], []);

    /// <summary>Number of distinct function addresses.</summary>
    public int Count => _starts.Length;

    /// <summary>The function at position <paramref name="index"/> in address order.</summary>
    public ElfFunctionSymbol this[int index] => new(NameAt(index), _starts[index], _ends[index]);

    /// <summary>The function whose range contains <paramref name="address"/> (an ELF virtual address), or null.</summary>
    public ElfFunctionSymbol? Lookup(ulong address)
    {
        var index = Array.BinarySearch(_starts, address);
        if (index < 0)
        {
            index = ~index - 1;
        }

        if (index < 0 || address >= _ends[index])
        {
            return null;
        }

        return this[index];
    }

    private string NameAt(int index) =>
        Encoding.UTF8.GetString(_names, _nameStarts[index], _nameStarts[index + 1] - _nameStarts[index]);

    /// <summary>Collects symbols in any order, then sorts and deduplicates them once.</summary>
    internal sealed class Builder
    {
        private readonly List<Candidate> _candidates = [];
        private byte[] _pool = new byte[4096];
        private int _poolLength;

        public void Add(ulong address, ulong size, ElfSymbolBinding binding, ReadOnlySpan<byte> name)
        {
            if (_poolLength + name.Length > _pool.Length)
            {
                Array.Resize(ref _pool, Math.Max(_pool.Length * 2, _poolLength + name.Length));
            }

            name.CopyTo(_pool.AsSpan(_poolLength));
            _candidates.Add(new Candidate(address, size, Rank(binding), SymbolNames.LeadingUnderscores(name), _candidates.Count, _poolLength, name.Length));
            _poolLength += name.Length;
        }

        /// <param name="sectionEnd">End address of the section containing an address, bounding zero-size symbols.</param>
        public ElfSymbolTable Build(Func<ulong, ulong> sectionEnd)
        {
            if (_candidates.Count == 0)
            {
                return Empty;
            }

            _candidates.Sort(static (a, b) =>
                a.Address != b.Address ? a.Address.CompareTo(b.Address)
                : a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank)
                : (a.Size == 0) != (b.Size == 0) ? (a.Size == 0 ? 1 : -1)
                : a.Underscores != b.Underscores ? a.Underscores.CompareTo(b.Underscores)
                : a.NameLength != b.NameLength ? a.NameLength.CompareTo(b.NameLength)
                : a.Sequence.CompareTo(b.Sequence));

            var chosen = new List<Candidate>(_candidates.Count);
            foreach (var candidate in _candidates)
            {
                if (chosen.Count == 0 || chosen[^1].Address != candidate.Address)
                {
                    chosen.Add(candidate);
                }
            }

            var starts = new ulong[chosen.Count];
            var ends = new ulong[chosen.Count];
            var nameStarts = new int[chosen.Count + 1];
            var names = new byte[chosen.Sum(static c => c.NameLength)];
            var written = 0;
            for (var i = 0; i < chosen.Count; i++)
            {
                var c = chosen[i];
                starts[i] = c.Address;
                ends[i] = c.Size != 0
                    ? (c.Address + c.Size < c.Address ? ulong.MaxValue : c.Address + c.Size)
                    : Math.Min(i + 1 < chosen.Count ? chosen[i + 1].Address : ulong.MaxValue, sectionEnd(c.Address));
                nameStarts[i] = written;
                _pool.AsSpan(c.NameStart, c.NameLength).CopyTo(names.AsSpan(written));
                written += c.NameLength;
            }

            nameStarts[chosen.Count] = written;
            return new ElfSymbolTable(starts, ends, nameStarts, names);
        }

        private static byte Rank(ElfSymbolBinding binding) => binding switch
        {
            ElfSymbolBinding.Global or ElfSymbolBinding.GnuUnique => 0,
            ElfSymbolBinding.Weak => 1,
            _ => 2,
        };

        private readonly record struct Candidate(ulong Address, ulong Size, byte Rank, int Underscores, int Sequence, int NameStart, int NameLength);
    }
}

/// <summary>A function symbol and the address range it covers.</summary>
/// <param name="Name">Symbol name as stored (mangled for C++/Rust).</param>
/// <param name="Start">First address (ELF virtual address).</param>
/// <param name="End">Address one past the last covered byte.</param>
public readonly record struct ElfFunctionSymbol(string Name, ulong Start, ulong End);
