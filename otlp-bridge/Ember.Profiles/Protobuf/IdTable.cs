namespace Ember.Profiles.Protobuf;

/// <summary>
/// Maps pprof's 64-bit object IDs to decoded objects. Producers almost always number objects
/// 1..n in order, so lookups try that dense position first and fall back to a dictionary.
/// </summary>
internal sealed class IdTable<T>
    where T : class
{
    private readonly List<(ulong Id, T Value)> _items = [];
    private Dictionary<ulong, T>? _sparse;
    private bool _dense = true;

    public int Count => _items.Count;

    /// <summary>Adds an object; returns false when the ID is already taken.</summary>
    public bool TryAdd(ulong id, T value)
    {
        if (_dense && id == (ulong)_items.Count + 1)
        {
            _items.Add((id, value));
            return true;
        }

        if (_dense)
        {
            _dense = false;
            _sparse = new Dictionary<ulong, T>(_items.Count + 16);
            foreach (var (existingId, existing) in _items)
            {
                _sparse[existingId] = existing;
            }
        }

        _items.Add((id, value));
        return _sparse!.TryAdd(id, value);
    }

    public bool TryGet(ulong id, out T value)
    {
        if (_dense)
        {
            if (id != 0 && id <= (ulong)_items.Count)
            {
                value = _items[(int)(id - 1)].Value;
                return true;
            }

            value = null!;
            return false;
        }

        return _sparse!.TryGetValue(id, out value!);
    }
}
