using System.Text.RegularExpressions;
using Ember.Bpf.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Ember.Bpf.Tests;

public sealed class BpfObjectTests
{
    private const int EACCES = 13;

    [Fact]
    public void A_program_the_verifier_rejects_raises_a_load_exception_with_the_verifier_log()
    {
        var elf = CompileBroken();

        var exception = Assert.Throws<BpfLoadException>(() => BpfObject.Load(elf, new BpfLoadOptions { ObjectName = "broken" }));

        Assert.Equal("read_past_value", exception.ProgramName);
        Assert.Contains(exception.VerifierLog, line => line.Contains("invalid access to map value", StringComparison.Ordinal));
        Assert.False(exception.VerifierLogTruncated);
        Assert.Equal(EACCES, exception.Errno);
        Assert.DoesNotContain('\n', exception.Message);
        Assert.StartsWith("load program 'read_past_value' of 'broken': permission denied: ", exception.Message, StringComparison.Ordinal);
        Assert.Contains(": invalid access to map value, value_size=8 off=8 size=8 (", exception.Message, StringComparison.Ordinal);
        Assert.Contains("line(s) omitted", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_verifier_log_larger_than_the_first_buffer_is_loaded_again_with_a_larger_one()
    {
        var elf = CompileBroken();
        var full = Assert.Throws<BpfLoadException>(() => BpfObject.Load(elf));

        var grown = Assert.Throws<BpfLoadException>(() => BpfObject.Load(elf, new BpfLoadOptions { LogSizeStart = 16 }));

        Assert.False(grown.VerifierLogTruncated);
        Assert.Equal(Comparable(full.VerifierLog), Comparable(grown.VerifierLog));
    }

    [Fact]
    public void A_verifier_log_larger_than_the_maximum_is_kept_truncated_with_its_last_lines()
    {
        var elf = CompileBroken();

        var exception = Assert.Throws<BpfLoadException>(
            () => BpfObject.Load(elf, new BpfLoadOptions { LogSizeStart = 64, LogSizeMax = 128 }));

        Assert.True(exception.VerifierLogTruncated);
        Assert.NotEmpty(exception.VerifierLog);
        Assert.Contains("truncated at 128 bytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Libbpf_messages_reach_the_routed_logger_formatted_from_their_va_list()
    {
        var elf = CompileBroken();
        var logger = new ListLogger();

        using (LibbpfLog.RouteTo(logger))
        {
            Assert.Throws<BpfLoadException>(() => BpfObject.Load(elf, new BpfLoadOptions { ObjectName = "broken" }));
        }

        // "prog '%s': BPF program load failed: %s": both arguments came through vsnprintf.
        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Warning
            && entry.Message.Contains("prog 'read_past_value': BPF program load failed: Permission denied", StringComparison.Ordinal));
    }

    [Fact]
    public void Programs_and_maps_are_found_by_name_and_unknown_names_are_refused()
    {
        using var directory = new TempDirectory();
        using var bpf = BpfObject.Load(Clang.CompileBpf(Tools.Fixture("maps.bpf.c"), directory), new BpfLoadOptions { ObjectName = "maps" });

        Assert.Equal("count_per_cpu", bpf.GetProgram("count_per_cpu").Name);
        Assert.Equal(["numbers", "per_cpu"], bpf.Maps.Select(map => map.Name).Order(StringComparer.Ordinal));
        var missing = Assert.Throws<KeyNotFoundException>(() => bpf.GetMap("nope"));
        Assert.Contains("numbers", missing.Message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => bpf.GetProgram("nope"));
    }

    [Fact]
    public void Maps_are_resized_before_load_and_resizing_an_unknown_map_is_refused()
    {
        using var directory = new TempDirectory();
        var elf = Clang.CompileBpf(Tools.Fixture("maps.bpf.c"), directory);

        using (var bpf = BpfObject.Load(elf, new BpfLoadOptions { MapMaxEntries = new Dictionary<string, uint> { ["numbers"] = 8 } }))
        {
            Assert.Equal(8u, bpf.GetMap("numbers").MaxEntries);
        }

        Assert.Throws<ArgumentException>(
            () => BpfObject.Load(elf, new BpfLoadOptions { MapMaxEntries = new Dictionary<string, uint> { ["nope"] = 8 } }));
    }

    [Fact]
    public void Bytes_that_are_not_an_elf_object_raise_a_load_exception_with_the_errno()
    {
        var exception = Assert.Throws<BpfLoadException>(() => BpfObject.Load("not an ELF file"u8, new BpfLoadOptions { ObjectName = "junk" }));

        Assert.StartsWith("open bpf object 'junk': ", exception.Message, StringComparison.Ordinal);
        Assert.NotEqual(0, exception.Errno);
    }

    [Fact]
    public void This_kernel_supports_perf_event_programs_and_stack_trace_maps()
    {
        BpfFeatures.RequireProgramType(BpfProgramType.PerfEvent);
        BpfFeatures.RequireMapType(BpfMapType.StackTrace);
    }

    [Fact]
    public void Permission_errors_name_the_capabilities_and_the_sysctl_that_grant_them()
    {
        const int EPERM = 1;
        var bpf = BpfErrors.ForBpf(-EPERM, "load bpf object 'profiler'");
        var perf = PerfEvent.CreateException(EACCES, cpu: 1, frequencyHz: 19);

        var bpfDenied = Assert.IsType<BpfPermissionException>(bpf);
        Assert.Equal(EPERM, bpfDenied.Errno);
        Assert.Contains("CAP_BPF", bpfDenied.Message, StringComparison.Ordinal);
        Assert.Contains("CAP_PERFMON", bpfDenied.Message, StringComparison.Ordinal);
        var perfDenied = Assert.IsType<BpfPermissionException>(perf);
        Assert.Contains("CAP_PERFMON", perfDenied.Message, StringComparison.Ordinal);
        Assert.Contains("kernel.perf_event_paranoid", perfDenied.Message, StringComparison.Ordinal);
        Assert.StartsWith("open cpu-clock perf event on cpu 1: permission denied", perfDenied.Message, StringComparison.Ordinal);
    }

    /// <summary>The log without what differs between two loads: map addresses and the verification time.</summary>
    private static string[] Comparable(IReadOnlyList<string> log) =>
        log.Where(line => !line.StartsWith("verification time", StringComparison.Ordinal))
            .Select(line => Regex.Replace(line, "0x[0-9a-f]+", "0x?"))
            .ToArray();

    private static byte[] CompileBroken()
    {
        using var directory = new TempDirectory();
        return Clang.CompileBpf(Tools.Fixture("broken.bpf.c"), directory);
    }
}
