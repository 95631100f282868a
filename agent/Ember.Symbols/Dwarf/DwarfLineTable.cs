namespace Ember.Symbols.Dwarf;

/// <summary>
/// The address-to-line map of a binary's <c>.debug_line</c> (DWARF 2 to 5): every unit's line program
/// run and its rows kept sorted by address, so a lookup is a binary search. Rows of sequences the
/// linker discarded (starting at 0 or at a tombstone) are left out.
/// </summary>
public sealed class DwarfLineTable
{
    /// <summary>Rows kept at most: about 20 bytes each.</summary>
    public const int MaxRows = 1 << 22;

    private const byte DwFormString = 0x08;
    private const byte DwFormLineStrp = 0x1f;
    private const byte DwFormStrp = 0x0e;
    private const byte DwFormUdata = 0x0f;
    private const byte DwFormData1 = 0x0b;
    private const byte DwFormData2 = 0x05;
    private const byte DwFormData4 = 0x06;
    private const byte DwFormData8 = 0x07;
    private const byte DwFormData16 = 0x1e;
    private const byte DwFormBlock = 0x09;
    private const ulong DwLnctPath = 1;
    private const ulong DwLnctDirectoryIndex = 2;

    private readonly ulong[] _addresses;
    private readonly int[] _lines;
    private readonly int[] _files;
    private readonly string[] _fileNames;

    private DwarfLineTable(ulong[] addresses, int[] lines, int[] files, string[] fileNames)
    {
        _addresses = addresses;
        _lines = lines;
        _files = files;
        _fileNames = fileNames;
    }

    /// <summary>Rows in the table.</summary>
    public int Count => _addresses.Length;

    /// <summary>Reads every unit of <paramref name="debugLine"/>, with the string sections DWARF 5 forms point into.</summary>
    /// <exception cref="DwarfFormatException">The section is malformed, or has more than <see cref="MaxRows"/> rows.</exception>
    public static DwarfLineTable Parse(ReadOnlySpan<byte> debugLine, ReadOnlySpan<byte> debugLineStr = default, ReadOnlySpan<byte> debugStr = default)
    {
        var rows = new List<Row>();
        var names = new List<string>();
        var nameIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var cursor = new DwarfCursor(debugLine);
        while (!cursor.AtEnd)
        {
            ReadUnit(ref cursor, debugLineStr, debugStr, rows, name =>
            {
                if (!nameIds.TryGetValue(name, out var id))
                {
                    id = names.Count;
                    names.Add(name);
                    nameIds.Add(name, id);
                }

                return id;
            });
        }

        // By address, end rows first where another sequence starts, else in program order (List.Sort
        // is not stable): a lookup takes the last row at or below its address, as binutils does.
        rows.Sort(static (a, b) => a.Address != b.Address ? a.Address.CompareTo(b.Address)
            : a.IsEnd != b.IsEnd ? b.IsEnd.CompareTo(a.IsEnd)
            : a.Order.CompareTo(b.Order));
        var addresses = new ulong[rows.Count];
        var lines = new int[rows.Count];
        var files = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            addresses[i] = rows[i].Address;
            lines[i] = rows[i].IsEnd ? 0 : rows[i].Line;
            files[i] = rows[i].IsEnd ? -1 : rows[i].File;
        }

        return new DwarfLineTable(addresses, lines, files, [.. names]);
    }

    /// <summary>The source line of the instruction at ELF virtual address <paramref name="address"/>, or null.</summary>
    public SourceLine? Lookup(ulong address)
    {
        var at = Array.BinarySearch(_addresses, address);
        if (at < 0)
        {
            at = ~at - 1;
        }
        else
        {
            while (at + 1 < _addresses.Length && _addresses[at + 1] == address)
            {
                at++;
            }
        }

        return at < 0 || _files[at] < 0 || _lines[at] <= 0 ? null : new SourceLine(_fileNames[_files[at]], _lines[at]);
    }

    private static void ReadUnit(ref DwarfCursor cursor, ReadOnlySpan<byte> lineStr, ReadOnlySpan<byte> str, List<Row> rows, Func<string, int> fileId)
    {
        ulong length = cursor.U32();
        var offsetSize = 4;
        if (length == 0xffffffff)
        {
            length = cursor.U64();
            offsetSize = 8;
        }
        else if (length >= 0xfffffff0)
        {
            throw new DwarfFormatException($"reserved unit length {length:x}");
        }

        var start = cursor.Position;
        cursor.Skip(length);
        var end = cursor.Position;
        var unit = Slice(ref cursor, start, end);

        var version = unit.U16();
        if (version is < 2 or > 5)
        {
            throw new DwarfFormatException($"line table version {version} is not DWARF 2 to 5");
        }

        var addressSize = 8;
        if (version >= 5)
        {
            addressSize = unit.U8();
            unit.U8(); // segment selector size
        }

        var headerLength = unit.Unsigned(offsetSize);
        var programStart = unit.Position;
        unit.Skip(headerLength);
        var programAt = unit.Position;
        unit.Position = programStart;

        var minInstruction = unit.U8();
        var maxOps = version >= 4 ? unit.U8() : (byte)1;
        unit.U8(); // default_is_stmt: every row is kept, statement or not
        var lineBase = (sbyte)unit.U8();
        var lineRange = unit.U8();
        var opcodeBase = unit.U8();
        if (lineRange == 0 || maxOps == 0)
        {
            throw new DwarfFormatException("line table header has a line range or operation count of 0");
        }

        var opcodeLengths = unit.Take(Math.Max(opcodeBase - 1, 0)).ToArray();
        var files = version >= 5 ? ReadFiles5(ref unit, offsetSize, lineStr, str, fileId) : ReadFiles4(ref unit, fileId);
        unit.Position = programAt;
        RunProgram(ref unit, version, addressSize, minInstruction, lineBase, lineRange, opcodeBase, opcodeLengths, files, rows, fileId);
    }

    private static DwarfCursor Slice(ref DwarfCursor cursor, int start, int end)
    {
        var at = cursor.Position;
        cursor.Position = start;
        var span = cursor.Take(end - start);
        cursor.Position = at;
        return new DwarfCursor(span);
    }

    private static List<int> ReadFiles4(ref DwarfCursor unit, Func<string, int> fileId)
    {
        var directories = new List<string> { string.Empty }; // 0: the compilation directory, not in the table
        for (var directory = unit.CString(); directory.Length > 0; directory = unit.CString())
        {
            directories.Add(directory);
        }

        var files = new List<int> { -1 }; // 1-based
        for (var name = unit.CString(); name.Length > 0; name = unit.CString())
        {
            var directory = unit.Uleb();
            unit.Uleb(); // modification time
            unit.Uleb(); // length
            files.Add(fileId(Join(directory < (ulong)directories.Count ? directories[(int)directory] : string.Empty, name)));
        }

        return files;
    }

    private static List<int> ReadFiles5(ref DwarfCursor unit, int offsetSize, ReadOnlySpan<byte> lineStr, ReadOnlySpan<byte> str, Func<string, int> fileId)
    {
        var directories = new List<string>();
        foreach (var entry in ReadEntries(ref unit, offsetSize, lineStr, str))
        {
            var path = entry.Path ?? string.Empty;
            // Directory 0 is the compilation directory; the others may be relative to it.
            directories.Add(directories.Count > 0 ? Join(directories[0], path) : path);
        }

        var files = new List<int>(); // 0-based
        foreach (var entry in ReadEntries(ref unit, offsetSize, lineStr, str))
        {
            var directory = entry.Directory < (ulong)directories.Count ? directories[(int)entry.Directory] : string.Empty;
            files.Add(fileId(Join(directory, entry.Path ?? string.Empty)));
        }

        return files;
    }

    private static List<(string? Path, ulong Directory)> ReadEntries(ref DwarfCursor unit, int offsetSize, ReadOnlySpan<byte> lineStr, ReadOnlySpan<byte> str)
    {
        var formatCount = unit.U8();
        var formats = new (ulong Content, ulong Form)[formatCount];
        for (var i = 0; i < formatCount; i++)
        {
            formats[i] = (unit.Uleb(), unit.Uleb());
        }

        var count = unit.Uleb();
        if (count > (ulong)unit.Length)
        {
            throw new DwarfFormatException($"{count} entries cannot fit in a unit of {unit.Length} bytes");
        }

        var entries = new List<(string?, ulong)>((int)count);
        for (ulong i = 0; i < count; i++)
        {
            string? path = null;
            ulong directory = 0;
            foreach (var (content, form) in formats)
            {
                string? text = null;
                ulong number = 0;
                switch (form)
                {
                    case DwFormString: text = unit.CString(); break;
                    case DwFormLineStrp: text = DwarfCursor.StringAt(lineStr, unit.Unsigned(offsetSize)); break;
                    case DwFormStrp: text = DwarfCursor.StringAt(str, unit.Unsigned(offsetSize)); break;
                    case DwFormUdata: number = unit.Uleb(); break;
                    case DwFormData1: number = unit.U8(); break;
                    case DwFormData2: number = unit.U16(); break;
                    case DwFormData4: number = unit.U32(); break;
                    case DwFormData8: number = unit.U64(); break;
                    case DwFormData16: unit.Skip(16); break;
                    case DwFormBlock: unit.Skip(unit.Uleb()); break;
                    default: throw new DwarfFormatException($"unsupported form {form:x} in a line table entry");
                }

                if (content == DwLnctPath)
                {
                    path = text;
                }
                else if (content == DwLnctDirectoryIndex)
                {
                    directory = number;
                }
            }

            entries.Add((path, directory));
        }

        return entries;
    }

    private static void RunProgram(ref DwarfCursor program, int version, int addressSize, byte minInstruction, sbyte lineBase, byte lineRange,
        byte opcodeBase, byte[] opcodeLengths, List<int> files, List<Row> rows, Func<string, int> fileId)
    {
        var state = new Machine(version);
        var sequence = new List<Row>();
        while (!program.AtEnd)
        {
            var opcode = program.U8();
            if (opcode >= opcodeBase)
            {
                var adjusted = opcode - opcodeBase;
                state.Address += (ulong)(adjusted / lineRange * minInstruction);
                state.Line += lineBase + (adjusted % lineRange);
                Emit(sequence, state, files, false);
                continue;
            }

            switch (opcode)
            {
                case 0:
                    var length = program.Uleb();
                    if (length == 0)
                    {
                        break;
                    }

                    var next = program.Position;
                    program.Skip(length);
                    var end = program.Position;
                    program.Position = next;
                    switch (program.U8())
                    {
                        case 1: // end_sequence
                            Emit(sequence, state, files, true);
                            Keep(sequence, rows);
                            state = new Machine(version);
                            break;
                        case 2: // set_address
                            state.Address = program.Unsigned(addressSize == 4 ? 4 : 8);
                            break;
                        case 3: // define_file (DWARF 2-4)
                            var name = program.CString();
                            files.Add(fileId(name));
                            break;
                    }

                    program.Position = end;
                    break;
                case 1: // copy
                    Emit(sequence, state, files, false);
                    break;
                case 2: // advance_pc
                    state.Address += program.Uleb() * minInstruction;
                    break;
                case 3: // advance_line
                    state.Line += (int)program.Sleb();
                    break;
                case 4: // set_file
                    state.File = program.Uleb();
                    break;
                case 8: // const_add_pc
                    state.Address += (ulong)((255 - opcodeBase) / lineRange * minInstruction);
                    break;
                case 9: // fixed_advance_pc
                    state.Address += program.U16();
                    break;
                default: // column, negate_stmt, basic_block, prologue_end, epilogue_begin, isa, and unknown ones
                    for (var i = 0; opcode - 1 < opcodeLengths.Length && i < opcodeLengths[opcode - 1]; i++)
                    {
                        program.Uleb();
                    }

                    break;
            }
        }
    }

    private static void Emit(List<Row> sequence, Machine state, List<int> files, bool isEnd)
    {
        var file = state.File < (ulong)files.Count ? files[(int)state.File] : -1;
        sequence.Add(new Row(state.Address, state.Line, file, isEnd, 0));
    }

    private static void Keep(List<Row> sequence, List<Row> rows)
    {
        // A sequence the linker dropped was relocated to 0 (bfd) or to a tombstone (lld: -1, -2).
        if (sequence.Count > 0 && sequence[0].Address is not (0 or >= 0xfffffffffffffffe))
        {
            if (rows.Count + sequence.Count > MaxRows)
            {
                throw new DwarfFormatException($"line tables of more than {MaxRows} rows");
            }

            foreach (var row in sequence)
            {
                rows.Add(row with { Order = rows.Count });
            }
        }

        sequence.Clear();
    }

    private static string Join(string directory, string name) =>
        directory.Length == 0 || name.StartsWith('/') ? name : directory.EndsWith('/') ? directory + name : directory + "/" + name;

    private readonly record struct Row(ulong Address, int Line, int File, bool IsEnd, int Order);

    /// <summary>The line program's registers this table keeps.</summary>
    private struct Machine(int version)
    {
        public ulong Address = 0;
        public ulong File = version >= 5 ? 0UL : 1UL;
        public int Line = 1;
    }
}

/// <summary>A source file and line.</summary>
public readonly record struct SourceLine(string File, int Line);
