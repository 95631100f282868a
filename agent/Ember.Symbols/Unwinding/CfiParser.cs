using System.Text;

namespace Ember.Symbols.Unwinding;

/// <summary>
/// Walks the entries of one <c>.eh_frame</c> or <c>.debug_frame</c> section, parses each CIE once
/// (cached by offset) and compiles the FDEs into rows.
/// </summary>
/// <remarks>
/// CIE pointers are followed one step and must land on a CIE, so pointer loops cannot arise. FDEs
/// with an empty range or a range that wraps past 2^64 are skipped. Overlapping FDEs are resolved
/// deterministically: sorted by start address (then section offset), an FDE starting before the end
/// of the last one kept is dropped whole.
/// </remarks>
internal sealed class CfiParser
{
    private const uint DebugFrameCieId32 = 0xffffffff;
    private const ulong DebugFrameCieId64 = 0xffffffffffffffff;

    private readonly ReadOnlyMemory<byte> _section;
    private readonly CfiSection _kind;
    private readonly CfiBases _bases;
    private readonly UnwindTableLimits _limits;
    private readonly CfaInterpreter _interpreter;
    private readonly Dictionary<int, CommonInformationEntry> _cies = [];

    public CfiParser(ReadOnlyMemory<byte> section, CfiSection kind, CfiBases bases, UnwindTableLimits limits)
    {
        _section = section;
        _kind = kind;
        _bases = bases;
        _limits = limits;
        _interpreter = new CfaInterpreter(limits, bases);
    }

    private string SectionName => _kind == CfiSection.EhFrame ? ".eh_frame" : ".debug_frame";

    public UnwindTable Build()
    {
        if (_section.Length > _limits.MaxSectionBytes)
        {
            throw new CfiFormatException(CfiError.SectionTooLarge,
                $"{SectionName} of {_section.Length} bytes exceeds the limit of {_limits.MaxSectionBytes}");
        }

        var fdes = ReadFdes();
        fdes.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.EntryOffset.CompareTo(b.EntryOffset));
        var rows = new UnwindRowWriter(fdes.Count * 4, _limits.MaxRows);
        var span = _section.Span;
        var kept = 0;
        var lastEnd = 0UL;
        foreach (var fde in fdes)
        {
            if (kept > 0 && fde.Begin < lastEnd)
            {
                continue;
            }

            if (fde.Cie.IsUnderstood)
            {
                _interpreter.RunFde(span, fde.InstructionsStart, fde.InstructionsEnd, fde.Cie, fde.Begin, fde.End, rows);
            }
            else
            {
                rows.Add(new UnwindRow(fde.Begin, UnwindRowKind.Unsupported, CfaRule.None, 0, FpRule.Unchanged, 0));
            }

            rows.Add(new UnwindRow(fde.End, UnwindRowKind.NoInfo, CfaRule.None, 0, FpRule.Unchanged, 0));
            lastEnd = fde.End;
            kept++;
        }

        return new UnwindTable(rows.Rows, _kind, kept);
    }

    private List<FdeEntry> ReadFdes()
    {
        var span = _section.Span;
        var fdes = new List<FdeEntry>();
        var offset = 0;
        while (offset < span.Length)
        {
            var entry = ReadEntryHeader(span, offset);
            if (entry.IsTerminator)
            {
                // .eh_frame ends at its zero terminator; .debug_frame has none, so a zero length is padding.
                if (_kind == CfiSection.EhFrame)
                {
                    break;
                }

                offset = entry.End;
                continue;
            }

            if (entry.IsCie)
            {
                GetCie(span, offset);
            }
            else
            {
                ReadFde(span, entry, fdes);
            }

            offset = entry.End;
        }

        return fdes;
    }

    private EntryHeader ReadEntryHeader(ReadOnlySpan<byte> span, int offset)
    {
        var cursor = new CfiCursor(span, offset, span.Length);
        ulong length = cursor.ReadU32();
        var is64 = false;
        if (length == 0xffffffff)
        {
            length = cursor.ReadU64();
            is64 = true;
        }
        else if (length == 0)
        {
            return new EntryHeader(offset, cursor.Position, cursor.Position, 0, 0, true, false);
        }

        if (length > (ulong)cursor.Remaining)
        {
            throw cursor.Error(CfiError.Truncated, $"{SectionName} entry at 0x{offset:x} of {length} bytes runs past the end of the section");
        }

        var end = cursor.Position + (int)length;
        var body = new CfiCursor(span, cursor.Position, end);
        var idOffset = body.Position;
        var id = is64 ? body.ReadU64() : body.ReadU32();
        var isCie = _kind == CfiSection.EhFrame ? id == 0 : id == (is64 ? DebugFrameCieId64 : DebugFrameCieId32);
        return new EntryHeader(offset, body.Position, end, idOffset, id, false, isCie);
    }

    private CommonInformationEntry GetCie(ReadOnlySpan<byte> span, int offset)
    {
        if (_cies.TryGetValue(offset, out var cached))
        {
            return cached;
        }

        var entry = ReadEntryHeader(span, offset);
        if (entry.IsTerminator || !entry.IsCie)
        {
            throw new CfiFormatException(CfiError.BadCiePointer, $"{SectionName} entry at 0x{offset:x} is referenced as a CIE but is not one");
        }

        var cie = ParseCie(span, entry);
        _cies.Add(offset, cie);
        return cie;
    }

    private CommonInformationEntry ParseCie(ReadOnlySpan<byte> span, EntryHeader entry)
    {
        var cursor = new CfiCursor(span, entry.BodyStart, entry.End);
        var version = cursor.ReadU8();
        if (version is not (1 or 3) && !(version == 4 && _kind == CfiSection.DebugFrame))
        {
            throw cursor.Error(CfiError.UnsupportedVersion, $"CIE at 0x{entry.Offset:x} has version {version}");
        }

        var augmentation = cursor.ReadCString(_limits.MaxAugmentationBytes);
        if (version == 4)
        {
            var addressSize = cursor.ReadU8();
            var segmentSize = cursor.ReadU8();
            if (addressSize != 8 || segmentSize != 0)
            {
                throw cursor.Error(CfiError.UnsupportedVersion,
                    $"CIE at 0x{entry.Offset:x} has address size {addressSize} and segment size {segmentSize}; only 8 and 0 are supported");
            }
        }

        // The pre-'z' GCC augmentation "eh" carries the address of an exception table.
        var isEh = augmentation.StartsWith("eh"u8);
        if (isEh)
        {
            cursor.ReadU64();
        }

        var codeAlignment = cursor.ReadULeb128();
        var dataAlignment = cursor.ReadSLeb128();
        var returnAddressRegister = version == 1 ? cursor.ReadU8() : cursor.ReadULeb128();
        var hasData = augmentation.Length > 0 && augmentation[0] == (byte)'z';
        byte fdeEncoding = 0;
        var signal = false;
        if (hasData)
        {
            var length = ReadAugmentationLength(ref cursor);
            var data = new CfiCursor(span, cursor.Position, cursor.Position + (int)length);
            (fdeEncoding, signal) = ParseAugmentationData(ref data, augmentation[1..]);
            cursor.Position = data.End;
        }

        var cie = new CommonInformationEntry
        {
            CodeAlignment = codeAlignment,
            DataAlignment = dataAlignment,
            ReturnAddressRegister = returnAddressRegister,
            FdeEncoding = fdeEncoding,
            HasAugmentationData = hasData,
            IsSignalFrame = signal,
            IsUnderstood = augmentation.Length == 0 || hasData || isEh,
        };
        if (cie.IsUnderstood)
        {
            cie.Initial = _interpreter.RunInitial(span, cursor.Position, cursor.End, cie);
        }

        return cie;
    }

    private (byte FdeEncoding, bool Signal) ParseAugmentationData(ref CfiCursor data, ReadOnlySpan<byte> letters)
    {
        byte fdeEncoding = 0;
        var signal = false;
        foreach (var letter in letters)
        {
            switch (letter)
            {
                case (byte)'L':
                    PointerEncoding.Validate(ref data, data.ReadU8());
                    break;
                case (byte)'P':
                    var personality = data.ReadU8();
                    PointerEncoding.Validate(ref data, personality);
                    if (personality != PointerEncoding.Omit)
                    {
                        PointerEncoding.Read(ref data, personality, _bases, allowIndirect: true);
                    }

                    break;
                case (byte)'R':
                    fdeEncoding = data.ReadU8();
                    PointerEncoding.Validate(ref data, fdeEncoding);
                    if (fdeEncoding == PointerEncoding.Omit)
                    {
                        throw data.Error(CfiError.BadPointerEncoding, "FDE pointer encoding is DW_EH_PE_omit");
                    }

                    break;
                case (byte)'S':
                    signal = true;
                    break;
                case (byte)'B' or (byte)'G':
                    break; // AArch64 BTI and MTE markers: no data.
                default:
                    // Unknown letters: the augmentation length lets the rest be skipped.
                    return (fdeEncoding, signal);
            }
        }

        return (fdeEncoding, signal);
    }

    private ulong ReadAugmentationLength(ref CfiCursor cursor)
    {
        var length = cursor.ReadULeb128();
        if (length > (ulong)_limits.MaxAugmentationBytes)
        {
            throw cursor.Error(CfiError.AugmentationTooLarge,
                $"augmentation data of {length} bytes exceeds the limit of {_limits.MaxAugmentationBytes}");
        }

        if (length > (ulong)cursor.Remaining)
        {
            throw cursor.Error(CfiError.Truncated, $"augmentation data of {length} bytes runs past the end of its entry");
        }

        return length;
    }

    private void ReadFde(ReadOnlySpan<byte> span, in EntryHeader entry, List<FdeEntry> fdes)
    {
        ulong cieOffset;
        if (_kind == CfiSection.EhFrame)
        {
            // The pointer is the distance back from the pointer field itself.
            if (entry.Id > (ulong)entry.IdOffset)
            {
                throw new CfiFormatException(CfiError.BadCiePointer,
                    $"FDE at 0x{entry.Offset:x}: CIE pointer 0x{entry.Id:x} points before the start of the section");
            }

            cieOffset = (ulong)entry.IdOffset - entry.Id;
        }
        else
        {
            cieOffset = entry.Id;
        }

        if (cieOffset >= (ulong)span.Length)
        {
            throw new CfiFormatException(CfiError.BadCiePointer,
                $"FDE at 0x{entry.Offset:x}: CIE pointer 0x{entry.Id:x} points outside the section");
        }

        var cie = GetCie(span, (int)cieOffset);
        var cursor = new CfiCursor(span, entry.BodyStart, entry.End);
        var begin = PointerEncoding.Read(ref cursor, cie.FdeEncoding, _bases, allowIndirect: false);
        var range = PointerEncoding.ReadValue(ref cursor, cie.FdeEncoding);
        // An FDE of a CIE not understood keeps only its range: its rows are unsupported.
        if (cie.IsUnderstood && cie.HasAugmentationData)
        {
            cursor.Skip(ReadAugmentationLength(ref cursor));
        }

        AddFde(fdes, entry, cie, begin, range, cursor.Position);
    }

    private static void AddFde(List<FdeEntry> fdes, in EntryHeader entry, CommonInformationEntry cie, ulong begin, ulong range, int instructions)
    {
        if (range == 0 || range > ulong.MaxValue - begin)
        {
            return;
        }

        fdes.Add(new FdeEntry(begin, begin + range, entry.Offset, instructions, entry.End, cie));
    }

    /// <summary>Where an entry's parts are; <paramref name="Id"/> is the CIE id or CIE pointer.</summary>
    private readonly record struct EntryHeader(int Offset, int BodyStart, int End, int IdOffset, ulong Id, bool IsTerminator, bool IsCie);

    /// <summary>An FDE located and decoded, waiting for its instructions to run in address order.</summary>
    private readonly record struct FdeEntry(ulong Begin, ulong End, int EntryOffset, int InstructionsStart, int InstructionsEnd, CommonInformationEntry Cie);
}
