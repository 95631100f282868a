namespace Ember.Agent.Python;

/// <summary>
/// The line of a code unit from a code object's <c>co_linetable</c>. 3.11+ keep a location table
/// (Objects/locations.md): entries of one header byte (bit 7 set, a 4-bit code, the entry's length in
/// code units minus one) and the code's varints. 3.10 keeps (bytecode byte delta, signed line delta)
/// pairs, a line delta of -128 meaning the range has no line (Objects/lnotab_notes.txt).
/// </summary>
public static class CPythonLineTable
{
    private const sbyte NoLine310 = -128;

    private const int NoLocation = 15;
    private const int LongForm = 14;
    private const int NoColumns = 13;
    private const int OneLineFirst = 10;

    /// <summary>The line of code unit <paramref name="index"/> in a table of <paramref name="format"/>, 0 when it gives none or is malformed.</summary>
    public static int LineOf(PythonLineTableFormat format, ReadOnlySpan<byte> table, int firstLine, int index) =>
        format == PythonLineTableFormat.AddressRanges ? LineOfAddressRanges(table, firstLine, index) : LineOf(table, firstLine, index);

    /// <summary>The line of code unit <paramref name="index"/> in a 3.10 table.</summary>
    public static int LineOfAddressRanges(ReadOnlySpan<byte> table, int firstLine, int index)
    {
        var address = index * 2; // 3.10's table counts bytes of bytecode, two to a code unit
        var line = firstLine;
        var end = 0;
        for (var at = 0; at + 1 < table.Length; at += 2)
        {
            end += table[at];
            var delta = (sbyte)table[at + 1];
            if (delta != NoLine310)
            {
                line += delta;
            }

            if (address < end)
            {
                return delta != NoLine310 && line > 0 ? line : 0;
            }
        }

        return 0;
    }

    /// <summary>The line of code unit <paramref name="index"/> in a location table (3.11+).</summary>
    public static int LineOf(ReadOnlySpan<byte> table, int firstLine, int index)
    {
        var line = firstLine;
        var unit = 0;
        var at = 0;
        while (at < table.Length)
        {
            var header = table[at++];
            if ((header & 0x80) == 0)
            {
                return 0; // not at an entry's start: the table is malformed
            }

            var code = (header >> 3) & 0xf;
            var length = (header & 7) + 1;
            var hasLine = true;
            switch (code)
            {
                case NoLocation:
                    hasLine = false;
                    break;
                case LongForm:
                    line += SignedVarint(table, ref at);
                    Varint(table, ref at); // end line delta
                    Varint(table, ref at); // column + 1
                    Varint(table, ref at); // end column + 1
                    break;
                case NoColumns:
                    line += SignedVarint(table, ref at);
                    break;
                case >= OneLineFirst:
                    line += code - OneLineFirst;
                    at += 2; // column, end column
                    break;
                default:
                    at += 1; // columns
                    break;
            }

            if (index < unit + length)
            {
                return hasLine && line > 0 ? line : 0;
            }

            unit += length;
        }

        return 0;
    }

    private static int Varint(ReadOnlySpan<byte> table, ref int at)
    {
        var value = 0;
        for (var shift = 0; at < table.Length && shift < 30; shift += 6)
        {
            var chunk = table[at++];
            value |= (chunk & 0x3f) << shift;
            if ((chunk & 0x40) == 0)
            {
                break;
            }
        }

        return value;
    }

    private static int SignedVarint(ReadOnlySpan<byte> table, ref int at)
    {
        var value = Varint(table, ref at);
        return (value & 1) != 0 ? -(value >> 1) : value >> 1;
    }
}
