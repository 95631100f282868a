using System.Collections.Concurrent;

namespace Ember.Symbols.Caching;

/// <summary>
/// Keeps parsed binaries so each is read once per node: looked up first by <see cref="FileIdentity"/>
/// (cheap, no I/O), then by content key (the htlhash), so the same binary reached through different
/// paths, containers or inodes is shared. Least recently used entries are released beyond the capacity.
/// </summary>
/// <typeparam name="T">The parsed binary; released (disposed) once evicted and no longer rented.</typeparam>
/// <remarks>Thread-safe. Callers rent an entry for the duration of a lookup so eviction never closes a file in use.</remarks>
public sealed class BinaryCache<T> : IDisposable
    where T : class, IDisposable
{
    private readonly int _capacity;
    private readonly Lock _lock = new();
    private readonly Dictionary<FileIdentity, Entry> _byIdentity = [];
    private readonly Dictionary<string, Entry> _byContent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<FileIdentity, Lazy<Entry>> _opening = new();
    private long _clock;
    private int _opened;

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> binaries.</summary>
    public BinaryCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Binaries currently held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byContent.Count;
            }
        }
    }

    /// <summary>How many times a binary was opened and parsed (a cache miss on both keys).</summary>
    public int OpenedCount => Volatile.Read(ref _opened);

    /// <summary>
    /// Rents the binary for <paramref name="identity"/>, opening it with <paramref name="open"/> on a miss.
    /// <paramref name="open"/> returns the value and its content key; a value whose key is already
    /// cached is disposed and the cached one shared. Dispose the lease when done.
    /// </summary>
    public Lease Rent(FileIdentity identity, Func<(T Value, string ContentKey)> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        while (true)
        {
            lock (_lock)
            {
                if (_byIdentity.TryGetValue(identity, out var cached) && cached.TryAcquire())
                {
                    cached.LastUse = ++_clock;
                    return new Lease(cached);
                }
            }

            // One opener per identity; others wait for it instead of parsing the same file.
            var opening = _opening.GetOrAdd(identity, id => new Lazy<Entry>(() => Insert(id, open), LazyThreadSafetyMode.ExecutionAndPublication));
            try
            {
                var entry = opening.Value;
                if (entry.TryAcquire())
                {
                    return new Lease(entry);
                }
            }
            finally
            {
                _opening.TryRemove(new KeyValuePair<FileIdentity, Lazy<Entry>>(identity, opening));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var entry in _byContent.Values)
            {
                entry.Release();
            }

            _byContent.Clear();
            _byIdentity.Clear();
        }
    }

    private Entry Insert(FileIdentity identity, Func<(T Value, string ContentKey)> open)
    {
        var (value, contentKey) = open();
        lock (_lock)
        {
            if (_byContent.TryGetValue(contentKey, out var existing) && existing.IsAlive)
            {
                value.Dispose();
                _byIdentity[identity] = existing;
                existing.LastUse = ++_clock;
                return existing;
            }

            Interlocked.Increment(ref _opened);
            var entry = new Entry(value, contentKey) { LastUse = ++_clock };
            _byContent[contentKey] = entry;
            _byIdentity[identity] = entry;
            EvictBeyondCapacity();
            return entry;
        }
    }

    private void EvictBeyondCapacity()
    {
        while (_byContent.Count > _capacity)
        {
            var oldest = _byContent.Values.MinBy(e => e.LastUse)!;
            _byContent.Remove(oldest.ContentKey);
            foreach (var key in _byIdentity.Where(p => ReferenceEquals(p.Value, oldest)).Select(p => p.Key).ToList())
            {
                _byIdentity.Remove(key);
            }

            oldest.Release();
        }
    }

    /// <summary>A cached binary with a reference count: the cache holds one reference, each lease another.</summary>
    private sealed class Entry(T value, string contentKey)
    {
        private int _references = 1;

        public T Value { get; } = value;

        public string ContentKey { get; } = contentKey;

        public long LastUse { get; set; }

        public bool IsAlive => Volatile.Read(ref _references) > 0;

        public bool TryAcquire()
        {
            while (true)
            {
                var current = Volatile.Read(ref _references);
                if (current == 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
                {
                    return true;
                }
            }
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0)
            {
                Value.Dispose();
            }
        }
    }

    /// <summary>A rented binary; disposing returns it to the cache.</summary>
    public readonly struct Lease : IDisposable, IEquatable<Lease>
    {
        private readonly Entry _entry;

        internal Lease(object entry) => _entry = (Entry)entry;

        /// <summary>The rented binary.</summary>
        public T Value => _entry.Value;

        /// <inheritdoc />
        public void Dispose() => _entry?.Release();

        /// <inheritdoc />
        public bool Equals(Lease other) => ReferenceEquals(_entry, other._entry);

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is Lease other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode() => _entry?.GetHashCode() ?? 0;

        /// <summary>True when both leases rent the same cached binary.</summary>
        public static bool operator ==(Lease left, Lease right) => left.Equals(right);

        /// <summary>True when the leases rent different binaries.</summary>
        public static bool operator !=(Lease left, Lease right) => !left.Equals(right);
    }
}
