using Ember.Bpf.Tests.Support;

namespace Ember.Bpf.Tests;

public sealed class BpfMapTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly BpfObject _bpf;

    public BpfMapTests()
    {
        _bpf = BpfObject.Load(Clang.CompileBpf(Tools.Fixture("maps.bpf.c"), _directory), new BpfLoadOptions { ObjectName = "maps" });
    }

    private BpfMap Numbers => _bpf.GetMap("numbers");

    [Fact]
    public void Typed_update_lookup_and_delete_round_trip_through_the_kernel()
    {
        Numbers.Update(7u, 49UL);

        Assert.True(Numbers.TryLookup(7u, out ulong value));
        Assert.Equal(49UL, value);
        Assert.False(Numbers.TryLookup(8u, out ulong _));
        Assert.True(Numbers.Delete(7u));
        Assert.False(Numbers.Delete(7u));
        Assert.False(Numbers.TryLookup(7u, out ulong _));
    }

    [Fact]
    public void Update_flags_are_enforced_by_the_kernel()
    {
        Numbers.Update(1u, 1UL, BpfUpdateFlags.NoExist);

        var exists = Assert.Throws<BpfException>(() => Numbers.Update(1u, 2UL, BpfUpdateFlags.NoExist));
        Assert.Equal(17, exists.Errno);
        Assert.Throws<BpfException>(() => Numbers.Update(2u, 2UL, BpfUpdateFlags.Exist));
    }

    [Fact]
    public void A_full_hash_map_refuses_new_keys_with_E2BIG()
    {
        for (var key = 0u; key < Numbers.MaxEntries; key++)
        {
            Numbers.Update(key, (ulong)key);
        }

        var full = Assert.Throws<BpfException>(() => Numbers.Update(1000u, 0UL));
        Assert.Equal(7, full.Errno);
    }

    [Fact]
    public void Kernel_memory_is_the_kernels_memlock_figure_and_grows_with_the_map()
    {
        var elf = Clang.CompileBpf(Tools.Fixture("maps.bpf.c"), _directory);
        using var small = BpfObject.Load(elf, new BpfLoadOptions { MapMaxEntries = new Dictionary<string, uint> { ["numbers"] = 1024 } });
        using var large = BpfObject.Load(elf, new BpfLoadOptions { MapMaxEntries = new Dictionary<string, uint> { ["numbers"] = 8192 } });

        var smallBytes = small.GetMap("numbers").ReadKernelMemory();
        var largeBytes = large.GetMap("numbers").ReadKernelMemory();

        // A preallocated hash element holds at least its key and value, each rounded to 8 bytes.
        Assert.True(smallBytes >= 1024 * 16, $"{smallBytes} B for 1024 elements");
        Assert.InRange(largeBytes - smallBytes, 7168 * 16, 7168 * 256);
        Assert.Equal(small.Maps.Sum(m => m.ReadKernelMemory()), small.ReadKernelMemory());
    }

    [Fact]
    public void Keys_are_iterated_with_get_next_key()
    {
        foreach (var key in new uint[] { 3, 1, 2 })
        {
            Numbers.Update(key, 0UL);
        }

        Assert.Equal([1u, 2u, 3u], Numbers.GetKeys<uint>().Order());
    }

    [Fact]
    public void Batch_and_key_by_key_draining_move_every_entry_and_empty_the_map()
    {
        var expected = Fill();
        var batched = new List<KeyValuePair<uint, ulong>>();
        Assert.Equal(expected.Count, Numbers.TryLookupAndDeleteBatch(batched));
        Assert.Empty(Numbers.GetKeys<uint>());

        Fill();
        var iterated = new List<KeyValuePair<uint, ulong>>();
        Assert.Equal(expected.Count, Numbers.LookupAndDeleteByIteration(iterated));
        Assert.Empty(Numbers.GetKeys<uint>());

        Fill();
        var drained = new List<KeyValuePair<uint, ulong>>();
        Assert.Equal(expected.Count, Numbers.LookupAndDeleteAll(drained));

        Assert.Equal(expected, batched.OrderBy(entry => entry.Key));
        Assert.Equal(expected, iterated.OrderBy(entry => entry.Key));
        Assert.Equal(expected, drained.OrderBy(entry => entry.Key));
    }

    [Fact]
    public void Per_cpu_values_are_read_for_every_possible_cpu()
    {
        var values = new ulong[CpuList.PossibleCount];

        _bpf.GetMap("per_cpu").LookupPerCpu(0u, values.AsSpan());

        Assert.All(values, value => Assert.Equal(0UL, value));
        Assert.Throws<InvalidOperationException>(() => _bpf.GetMap("per_cpu").TryLookup(0u, out ulong _));
        Assert.Throws<ArgumentException>(() => _bpf.GetMap("per_cpu").LookupPerCpu(0u, new ulong[CpuList.PossibleCount + 1].AsSpan()));
    }

    [Fact]
    public void Keys_and_values_of_the_wrong_size_are_refused_before_any_syscall()
    {
        var wrongValue = Assert.Throws<ArgumentException>(() => Numbers.Update(1u, 1u));
        Assert.Contains("8-byte values", wrongValue.Message, StringComparison.Ordinal);
        var wrongKey = Assert.Throws<ArgumentException>(() => Numbers.Update(1UL, 1UL));
        Assert.Contains("4-byte keys", wrongKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Maps_of_a_disposed_object_throw_object_disposed()
    {
        var numbers = Numbers;
        _bpf.Dispose();

        Assert.Throws<ObjectDisposedException>(() => numbers.Update(1u, 1UL));
    }

    public void Dispose()
    {
        _bpf.Dispose();
        _directory.Dispose();
    }

    private List<KeyValuePair<uint, ulong>> Fill()
    {
        var entries = Enumerable.Range(0, 50).Select(i => new KeyValuePair<uint, ulong>((uint)i, (ulong)i * 1000)).ToList();
        foreach (var (key, value) in entries)
        {
            Numbers.Update(key, value);
        }

        return entries;
    }
}
