namespace Ember.Profiles.Rendering;

/// <summary>
/// Gives the objects of one kind (functions, mappings, locations) identities that depend only on
/// their content: objects with equal content keys are one entry. <see cref="Rank"/> orders entries
/// by key, for sorting independent of list order; <see cref="Number"/> numbers entries by first use,
/// for a readable dump.
/// </summary>
internal sealed class CanonicalCatalog<T>
    where T : class
{
    private readonly Dictionary<T, string> _keys = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, T> _representatives = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly List<T> _numbered = [];
    private Dictionary<string, int>? _ranks;

    /// <summary>Entries in the order they were numbered.</summary>
    public IReadOnlyList<T> Numbered => _numbered;

    /// <summary>Registers an object with its content key; call before <see cref="Rank"/>.</summary>
    public void Add(T item, string key)
    {
        if (_keys.TryAdd(item, key))
        {
            _representatives.TryAdd(key, item);
        }
    }

    /// <summary>Position of the object's content among all distinct contents, by ordinal key order.</summary>
    public int Rank(T item)
    {
        _ranks ??= _representatives.Keys.Order(StringComparer.Ordinal)
            .Select((key, rank) => (key, rank))
            .ToDictionary(e => e.key, e => e.rank, StringComparer.Ordinal);
        return _ranks[_keys[item]];
    }

    /// <summary>1-based display number, assigned the first time the object's content is asked for.</summary>
    public int Number(T item)
    {
        var key = _keys[item];
        if (!_numbers.TryGetValue(key, out var number))
        {
            _numbered.Add(_representatives[key]);
            number = _numbered.Count;
            _numbers.Add(key, number);
        }

        return number;
    }

    /// <summary>Distinct entries not numbered yet, ordered by content key.</summary>
    public IReadOnlyList<T> Unnumbered() =>
        _representatives.Where(e => !_numbers.ContainsKey(e.Key))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => e.Value)
            .ToList();
}
