namespace Ember.Symbols.Unwinding;

/// <summary>
/// The call-frame information of one ELF file compiled into rows sorted by address. Immutable and
/// thread-safe.
/// </summary>
public sealed class UnwindTable
{
    internal UnwindTable(IReadOnlyList<UnwindRow> rows, CfiSection source, int fdeCount)
    {
        Rows = rows;
        Source = source;
        FdeCount = fdeCount;
    }

    /// <summary>
    /// Rows sorted by <see cref="UnwindRow.Address"/>, strictly increasing, consecutive rows with the
    /// same rule merged. The end of every FDE is followed by a <see cref="UnwindRowKind.NoInfo"/> row
    /// unless another FDE starts right there.
    /// </summary>
    public IReadOnlyList<UnwindRow> Rows { get; }

    /// <summary>The section the rows came from.</summary>
    public CfiSection Source { get; }

    /// <summary>Number of FDEs turned into rows (empty and overlapping FDEs left out).</summary>
    public int FdeCount { get; }

    /// <summary>The row covering <paramref name="address"/>, or a <see cref="UnwindRowKind.NoInfo"/> row before the first one.</summary>
    public UnwindRow Find(ulong address)
    {
        int low = 0, high = Rows.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (Rows[middle].Address <= address)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found < 0 ? new UnwindRow(address, UnwindRowKind.NoInfo, CfaRule.None, 0, FpRule.Unchanged, 0) : Rows[found];
    }
}
