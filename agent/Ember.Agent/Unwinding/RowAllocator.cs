namespace Ember.Agent.Unwinding;

/// <summary>First-fit allocation of contiguous row ranges in the kernel's row array; freed ranges merge with their neighbours.</summary>
internal sealed class RowAllocator(uint capacity)
{
    /// <summary>Free ranges by start.</summary>
    private readonly SortedList<uint, uint> _free = new() { [0] = capacity };

    /// <summary>Rows in all.</summary>
    public uint Capacity { get; } = capacity;

    /// <summary>Rows allocated.</summary>
    public uint Used { get; private set; }

    public bool TryAllocate(uint count, out uint first)
    {
        foreach (var (start, length) in _free)
        {
            if (length >= count)
            {
                _free.Remove(start);
                if (length > count)
                {
                    _free[start + count] = length - count;
                }

                Used += count;
                first = start;
                return true;
            }
        }

        first = 0;
        return false;
    }

    public void Free(uint first, uint count)
    {
        Used -= count;
        _free[first] = count;
        var index = _free.IndexOfKey(first);

        // Merge with the following range, then with the preceding one.
        if (index + 1 < _free.Count && first + count == _free.Keys[index + 1])
        {
            _free[first] = count + _free.Values[index + 1];
            _free.RemoveAt(index + 1);
        }

        if (index > 0 && _free.Keys[index - 1] + _free.Values[index - 1] == first)
        {
            _free[_free.Keys[index - 1]] = _free.Values[index - 1] + _free[first];
            _free.Remove(first);
        }
    }
}
