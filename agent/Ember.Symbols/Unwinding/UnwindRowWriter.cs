namespace Ember.Symbols.Unwinding;

/// <summary>
/// Collects rows in address order: a row at the address of the previous one replaces it (a later
/// instruction or FDE wins at the same location) and a row with the previous row's rule is dropped.
/// </summary>
internal sealed class UnwindRowWriter
{
    private readonly List<UnwindRow> _rows;
    private readonly int _maxRows;

    public UnwindRowWriter(int capacity, int maxRows)
    {
        _rows = new List<UnwindRow>(Math.Min(capacity, maxRows));
        _maxRows = maxRows;
    }

    public IReadOnlyList<UnwindRow> Rows => _rows;

    public void Add(in UnwindRow row)
    {
        if (_rows.Count > 0 && _rows[^1].Address == row.Address)
        {
            _rows.RemoveAt(_rows.Count - 1);
        }

        if (_rows.Count > 0 && _rows[^1].SameRuleAs(row))
        {
            return;
        }

        // A table never starts with a gap: the first FDE's start is the first row.
        if (_rows.Count == 0 && row.Kind == UnwindRowKind.NoInfo)
        {
            return;
        }

        if (_rows.Count >= _maxRows)
        {
            throw new CfiFormatException(CfiError.TooManyRows, $"the unwind table exceeds the limit of {_maxRows} rows");
        }

        _rows.Add(row);
    }
}
