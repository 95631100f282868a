using System.Globalization;
using Ember.Symbols.Kernel;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Kernel;

/// <summary>/proc/kallsyms lookups compared with perf's kernel symbolization and with hidden addresses.</summary>
public sealed class KernelSymbolTableTests
{
    private static readonly Lazy<KernelSymbolTable> _kallsyms = new(() => KernelSymbolTable.Load());

    [Fact]
    public void Kernel_frames_sampled_by_perf_resolve_to_the_names_perf_gives()
    {
        var samples = PerfPeer.Record(["/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=4k", "count=300000"], frequency: 4000)
            .Where(s => s.Dso == "[kernel.kallsyms]" && s.Symbol != "[unknown]")
            .ToList();
        Assert.True(samples.Count >= 50, $"only {samples.Count} kernel samples");

        var table = _kallsyms.Value;
        Assert.True(table.IsAvailable);
        // perf picks among aliases at one address arbitrarily (whichever its tree search meets first).
        var aliases = File.ReadLines("/proc/kallsyms").Select(l => l.Split(' ')).Where(p => p.Length >= 3)
            .ToLookup(p => p[2].Split('\t')[0], p => ulong.Parse(p[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        foreach (var sample in samples)
        {
            var ours = table.Lookup(sample.Ip);
            Assert.NotNull(ours);
            Assert.True(ours.Value.Name == sample.Symbol || aliases[sample.Symbol].Contains(ours.Value.Address),
                $"0x{sample.Ip:x}: perf says {sample.Symbol}, we say {ours.Value.Name}");
        }
    }

    [Theory]
    [InlineData("vfs_read")]
    [InlineData("schedule")]
    [InlineData("do_syscall_64")]
    public void Well_known_kernel_functions_resolve_at_their_start_and_inside(string function)
    {
        var line = ExternalProcess.RunChecked("/bin/sh", ["-c", $"grep -E ' [tT] {function}$' /proc/kallsyms | head -1"]).Trim();
        var address = ulong.Parse(line.Split(' ')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.NotEqual(0UL, address);

        Assert.Equal(new KernelSymbol(function, address, null), _kallsyms.Value.Lookup(address));
        Assert.Equal(function, _kallsyms.Value.Lookup(address + 4)?.Name);
    }

    [Fact]
    public void Kallsyms_read_without_CAP_SYSLOG_is_reported_unavailable_instead_of_naming_every_address()
    {
        var setpriv = ExternalProcess.Require("setpriv", "util-linux");
        var hidden = ExternalProcess.RunChecked(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", "cat", "/proc/kallsyms"]);
        Assert.StartsWith("0000000000000000 ", hidden, StringComparison.Ordinal);

        var table = KernelSymbolTable.Parse(hidden.Split('\n'));

        Assert.False(table.IsAvailable);
        var real = _kallsyms.Value.Lookup(ulong.Parse(File.ReadLines("/proc/kallsyms").First().Split(' ')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.NotNull(real);
        Assert.Null(table.Lookup(real.Value.Address));
        Assert.Null(table.Lookup(0));
    }

    [Fact]
    public void Aliases_resolve_to_the_global_name_with_fewest_leading_underscores_then_the_shortest()
    {
        var table = KernelSymbolTable.Parse(
        [
            "ffffffff82270000 T __pi___x86_indirect_thunk_rax",
            "ffffffff82270000 T __x86_indirect_thunk_array",
            "ffffffff82270000 T __x86_indirect_thunk_rax",
            "ffffffff82270020 t ___local_alias",
            "ffffffff82270020 T __global_alias",
            "ffffffff82270040 d data_first",
            "ffffffff82270040 t text_second",
        ]);

        Assert.Equal("__x86_indirect_thunk_rax", table.Lookup(0xffffffff82270001)?.Name);
        Assert.Equal("__global_alias", table.Lookup(0xffffffff82270021)?.Name);
        Assert.Equal("text_second", table.Lookup(0xffffffff82270041)?.Name);
    }

    [Fact]
    public void Module_symbols_carry_their_module_and_non_text_symbols_name_nothing()
    {
        var table = KernelSymbolTable.Parse(
        [
            "ffffffff81000000 T _stext",
            "ffffffff81000100 t helper",
            "ffffffff81000200 D some_data",
            "ffffffff81000300 T _etext",
            "ffffffffc0a01000 t ext4_read_thing\t[ext4]",
            "ffffffffc0a01080 T ext4_other\t[ext4]",
            "ffffffffc0b00000 t bpf_prog_6deef7357e7b4530_sd_fw_egress\t[bpf]",
            "not a line",
        ]);

        Assert.True(table.IsAvailable);
        Assert.Equal(new KernelSymbol("ext4_read_thing", 0xffffffffc0a01000, "ext4"), table.Lookup(0xffffffffc0a0107f));
        Assert.Equal("ext4", table.Lookup(0xffffffffc0a01090)?.Module);
        Assert.Equal("bpf", table.Lookup(0xffffffffc0b00010)?.Module);
        Assert.Equal("helper", table.Lookup(0xffffffff810001ff)?.Name);
        Assert.Null(table.Lookup(0xffffffff81000210));
        Assert.Null(table.Lookup(0xffffffff81000310));
        Assert.Null(table.Lookup(0xffffffff80000000));
    }
}
