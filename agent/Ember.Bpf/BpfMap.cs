using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ember.Bpf;

/// <summary>
/// A map of a loaded <see cref="BpfObject"/>, with typed access. Keys and values are unmanaged
/// structs laid out exactly as in C; their sizes are checked against the map's on every call.
/// Each call is one or a few bpf() syscalls and is safe for concurrent use; a sequence of calls
/// is not atomic with respect to BPF programs writing the map.
/// </summary>
public sealed class BpfMap
{
    private readonly BpfObject _owner;
    private readonly int _fd;
    private const int BatchSupported = 1;
    private const int BatchUnsupported = -1;

    // Whether the kernel has batch operations for this map: 0 until the first LookupAndDeleteAll tells.
    private int _batchSupport;

    internal BpfMap(BpfObject owner, nint map, string name)
    {
        _owner = owner;
        _fd = Interop.Libbpf.bpf_map__fd(map);
        Name = name;
        Type = (BpfMapType)Interop.Libbpf.bpf_map__type(map);
        KeySize = (int)Interop.Libbpf.bpf_map__key_size(map);
        ValueSize = (int)Interop.Libbpf.bpf_map__value_size(map);
        MaxEntries = Interop.Libbpf.bpf_map__max_entries(map);
    }

    /// <summary>The map's file descriptor, owned by the object (for libbpf calls that take one).</summary>
    internal int Fd => _fd;

    /// <summary>The map's name (its C variable name).</summary>
    public string Name { get; }

    /// <summary>The map's kernel type.</summary>
    public BpfMapType Type { get; }

    /// <summary>Bytes per key.</summary>
    public int KeySize { get; }

    /// <summary>Bytes per value (per CPU, for per-CPU maps).</summary>
    public int ValueSize { get; }

    /// <summary>Capacity.</summary>
    public uint MaxEntries { get; }

    /// <summary>
    /// Bytes of kernel memory the map is charged for, as the kernel reports it (<c>memlock</c> in
    /// /proc/self/fdinfo): what a memory budget or a node's limits must count, which entry counts
    /// times sizes underestimate (hash maps carry a header per element, stack maps a bucket per entry).
    /// </summary>
    /// <exception cref="BpfException">The kernel does not report it (fdinfo unreadable or without memlock).</exception>
    public long ReadKernelMemory()
    {
        using var lease = new SafeHandleLease(_owner.Handle);
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/self/fdinfo/{_fd}");
        }
        catch (IOException ex)
        {
            throw new BpfException($"map {Name}: /proc/self/fdinfo/{_fd} cannot be read: {ex.Message}", ex);
        }

        foreach (var line in lines)
        {
            if (line.StartsWith("memlock:", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan("memlock:".Length).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes))
            {
                return bytes;
            }
        }

        throw new BpfException($"map {Name}: the kernel reports no memlock in /proc/self/fdinfo/{_fd}");
    }

    /// <summary>True for maps that hold one value per possible CPU.</summary>
    public bool IsPerCpu => Type is BpfMapType.PerCpuHash or BpfMapType.PerCpuArray or BpfMapType.LruPerCpuHash;

    /// <summary>Reads the value stored under <paramref name="key"/>; false when the key is absent.</summary>
    /// <exception cref="InvalidOperationException">The map is per-CPU: use <see cref="LookupPerCpu{TKey, TValue}(in TKey, Span{TValue})"/>.</exception>
    public bool TryLookup<TKey, TValue>(in TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        RequireSingleValue();
        CheckSizes<TKey>(Unsafe.SizeOf<TValue>());
        value = default;
        return TryLookupRaw(in key, MemoryMarshal.AsBytes(new Span<TValue>(ref value)));
    }

    /// <summary>
    /// Reads the value stored under <paramref name="key"/> into <paramref name="value"/>, which must
    /// be exactly <see cref="ValueSize"/> bytes (e.g. a stack trace map's frames); false when absent.
    /// </summary>
    public bool TryLookup<TKey>(in TKey key, Span<byte> value)
        where TKey : unmanaged
    {
        RequireSingleValue();
        CheckSizes<TKey>(value.Length);
        return TryLookupRaw(in key, value);
    }

    /// <summary>
    /// Reads every CPU's value of <paramref name="key"/> in a per-CPU map into
    /// <paramref name="values"/>, whose length must be <see cref="CpuList.PossibleCount"/>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The key is absent.</exception>
    public void LookupPerCpu<TKey, TValue>(in TKey key, Span<TValue> values)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        if (!IsPerCpu)
        {
            throw new InvalidOperationException($"map '{Name}' ({Type}) is not a per-CPU map");
        }

        CheckSizes<TKey>(Unsafe.SizeOf<TValue>());
        var cpus = CpuList.PossibleCount;
        if (values.Length != cpus)
        {
            throw new ArgumentException($"per-CPU lookup in map '{Name}' needs room for {cpus} values", nameof(values));
        }

        // The kernel rounds each CPU's value up to 8 bytes.
        var stride = (ValueSize + 7) & ~7;
        var buffer = new byte[stride * cpus];
        if (!TryLookupRaw(in key, buffer))
        {
            throw new KeyNotFoundException($"lookup in map '{Name}': no such key");
        }

        for (var cpu = 0; cpu < cpus; cpu++)
        {
            values[cpu] = MemoryMarshal.Read<TValue>(buffer.AsSpan(cpu * stride, ValueSize));
        }
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    /// <exception cref="BpfException">The kernel refused, e.g. the map is full (E2BIG) or <paramref name="flags"/> forbade it.</exception>
    public unsafe void Update<TKey, TValue>(in TKey key, in TValue value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        RequireSingleValue();
        CheckSizes<TKey>(Unsafe.SizeOf<TValue>());
        using var lease = new SafeHandleLease(_owner.Handle);
        fixed (TKey* keyPointer = &key)
        fixed (TValue* valuePointer = &value)
        {
            var error = Interop.Libbpf.bpf_map_update_elem(_fd, keyPointer, valuePointer, (ulong)flags);
            if (error != 0)
            {
                throw BpfErrors.ForBpf(error, $"update map '{Name}'");
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="values"/> to the array entries from <paramref name="firstIndex"/> on, in
    /// one system call per chunk of 64 Ki entries (an unwind table is tens of thousands of rows).
    /// </summary>
    /// <exception cref="BpfException">The kernel refused the write (an index past the end).</exception>
    public unsafe void UpdateRange<TValue>(uint firstIndex, ReadOnlySpan<TValue> values)
        where TValue : unmanaged
    {
        RequireSingleValue();
        CheckSizes<uint>(Unsafe.SizeOf<TValue>());
        const int chunk = 1 << 16;
        var keys = new uint[Math.Min(chunk, values.Length)];
        using var lease = new SafeHandleLease(_owner.Handle);
        for (var done = 0; done < values.Length; done += chunk)
        {
            var part = values.Slice(done, Math.Min(chunk, values.Length - done));
            for (var i = 0; i < part.Length; i++)
            {
                keys[i] = firstIndex + (uint)(done + i);
            }

            var count = (uint)part.Length;
            fixed (uint* keyPointer = keys)
            fixed (TValue* valuePointer = part)
            {
                var error = Interop.Libbpf.bpf_map_update_batch(_fd, keyPointer, valuePointer, &count, null);
                if (error != 0)
                {
                    throw BpfErrors.ForBpf(error, $"update {part.Length} entries of map '{Name}' from {firstIndex + (uint)done}");
                }
            }
        }
    }

    /// <summary>Deletes <paramref name="key"/>; false when it was absent.</summary>
    public unsafe bool Delete<TKey>(in TKey key)
        where TKey : unmanaged
    {
        CheckKeySize<TKey>();
        using var lease = new SafeHandleLease(_owner.Handle);
        fixed (TKey* keyPointer = &key)
        {
            var error = Interop.Libbpf.bpf_map_delete_elem(_fd, keyPointer);
            if (error == 0 || -error == Errno.ENOENT)
            {
                return error == 0;
            }

            throw BpfErrors.ForBpf(error, $"delete from map '{Name}'");
        }
    }

    /// <summary>A snapshot of the map's keys, walked with <c>bpf_map_get_next_key</c>.</summary>
    public unsafe List<TKey> GetKeys<TKey>()
        where TKey : unmanaged
    {
        CheckKeySize<TKey>();
        using var lease = new SafeHandleLease(_owner.Handle);
        var keys = new List<TKey>();
        TKey current = default;
        TKey next = default;
        var error = Interop.Libbpf.bpf_map_get_next_key(_fd, null, &next);
        while (error == 0)
        {
            keys.Add(next);
            current = next;
            error = Interop.Libbpf.bpf_map_get_next_key(_fd, &current, &next);
        }

        return -error == Errno.ENOENT ? keys : throw BpfErrors.ForBpf(error, $"iterate map '{Name}'");
    }

    /// <summary>
    /// Moves every entry of a hash map into <paramref name="into"/> and deletes it from the map,
    /// with <c>bpf_map_lookup_and_delete_batch</c> where the kernel has it (5.6+), else key by key.
    /// Entries that BPF programs add meanwhile may or may not be included.
    /// </summary>
    /// <returns>The number of entries moved.</returns>
    public int LookupAndDeleteAll<TKey, TValue>(ICollection<KeyValuePair<TKey, TValue>> into)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        ArgumentNullException.ThrowIfNull(into);
        RequireSingleValue();
        CheckSizes<TKey>(Unsafe.SizeOf<TValue>());
        if (Volatile.Read(ref _batchSupport) != BatchUnsupported)
        {
            var moved = TryLookupAndDeleteBatch(into);
            Volatile.Write(ref _batchSupport, moved >= 0 ? BatchSupported : BatchUnsupported);
            if (moved >= 0)
            {
                return moved;
            }
        }

        return LookupAndDeleteByIteration(into);
    }

    /// <summary>The fallback of <see cref="LookupAndDeleteAll{TKey, TValue}"/>: snapshot the keys, then read and delete each.</summary>
    internal int LookupAndDeleteByIteration<TKey, TValue>(ICollection<KeyValuePair<TKey, TValue>> into)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        var moved = 0;
        foreach (var key in GetKeys<TKey>())
        {
            if (TryLookup<TKey, TValue>(key, out var value) && Delete(key))
            {
                into.Add(new(key, value));
                moved++;
            }
        }

        return moved;
    }

    /// <summary>The batch path: the number of entries moved, or -1 when the kernel has no batch operation for this map.</summary>
    internal unsafe int TryLookupAndDeleteBatch<TKey, TValue>(ICollection<KeyValuePair<TKey, TValue>> into)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        using var lease = new SafeHandleLease(_owner.Handle);

        // The resume token is opaque: a bucket index for hash maps, at most a key elsewhere.
        var tokenSize = Math.Max(KeySize, sizeof(ulong));
        var inToken = stackalloc byte[tokenSize];
        var outToken = stackalloc byte[tokenSize];
        var chunk = (int)Math.Clamp(MaxEntries, 1, 4096);
        var keys = new TKey[chunk];
        var values = new TValue[chunk];
        var moved = 0;
        var first = true;
        while (true)
        {
            var count = (uint)chunk;
            int error;
            fixed (TKey* keyPointer = keys)
            fixed (TValue* valuePointer = values)
            {
                error = Interop.Libbpf.bpf_map_lookup_and_delete_batch(
                    _fd, first ? null : inToken, outToken, keyPointer, valuePointer, &count, null);
            }

            if (error != 0 && -error != Errno.ENOENT)
            {
                if (-error == Errno.ENOSPC)
                {
                    // One hash bucket holds more entries than fit: nothing was moved, retry with more room.
                    chunk *= 2;
                    keys = new TKey[chunk];
                    values = new TValue[chunk];
                    continue;
                }

                if (first && -error is Errno.EINVAL or Errno.ENOTSUPP or Errno.EOPNOTSUPP)
                {
                    return -1;
                }

                throw BpfErrors.ForBpf(error, $"lookup and delete batch in map '{Name}'");
            }

            for (var i = 0; i < count; i++)
            {
                into.Add(new(keys[i], values[i]));
            }

            moved += (int)count;
            if (error != 0)
            {
                return moved;
            }

            new ReadOnlySpan<byte>(outToken, tokenSize).CopyTo(new Span<byte>(inToken, tokenSize));
            first = false;
        }
    }

    private unsafe bool TryLookupRaw<TKey>(in TKey key, Span<byte> value)
        where TKey : unmanaged
    {
        using var lease = new SafeHandleLease(_owner.Handle);
        fixed (TKey* keyPointer = &key)
        fixed (byte* valuePointer = value)
        {
            var error = Interop.Libbpf.bpf_map_lookup_elem(_fd, keyPointer, valuePointer);
            if (error == 0 || -error == Errno.ENOENT)
            {
                return error == 0;
            }

            throw BpfErrors.ForBpf(error, $"lookup in map '{Name}'");
        }
    }

    private void RequireSingleValue()
    {
        if (IsPerCpu)
        {
            throw new InvalidOperationException($"map '{Name}' ({Type}) holds one value per CPU: use LookupPerCpu");
        }
    }

    private void CheckSizes<TKey>(int valueSize)
        where TKey : unmanaged
    {
        CheckKeySize<TKey>();
        if (valueSize != ValueSize)
        {
            throw new ArgumentException($"map '{Name}' has {ValueSize}-byte values, not {valueSize}");
        }
    }

    private void CheckKeySize<TKey>()
        where TKey : unmanaged
    {
        if (Unsafe.SizeOf<TKey>() != KeySize)
        {
            throw new ArgumentException(
                $"map '{Name}' has {KeySize}-byte keys, {typeof(TKey).Name} is {Unsafe.SizeOf<TKey>()} bytes");
        }
    }
}
