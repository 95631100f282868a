using System.Runtime.Versioning;
using BenchmarkDotNet.Attributes;
using Ember.Symbols.Elf;
using Ember.Symbols.Unwinding;

namespace Ember.Benchmarks;

/// <summary>
/// Unwind-table build (<see cref="UnwindTableBuilder"/>) for real binaries: libc, python3.11 and the
/// native-AOT agent when it has been published (EMBER_AGENT_BINARY, or found under artifacts/).
/// Setup prints each table's rows and size as BPF rows (8 bytes each).
/// </summary>
[MemoryDiagnoser]
[SupportedOSPlatform("linux")]
public class UnwindTableBenchmarks
{
    private const int BpfRowBytes = 8;

    private byte[] _image = null!;

    /// <summary>The file whose table is built.</summary>
    [ParamsSource(nameof(Binaries))]
    public string Binary { get; set; } = "";

    /// <summary>The binaries that exist on this machine.</summary>
    public static IEnumerable<string> Binaries()
    {
        string?[] candidates = ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/python3.11", "/usr/bin/xz", AgentBinary()];
        return candidates.OfType<string>().Where(File.Exists);
    }

    [GlobalSetup]
    public void Setup()
    {
        _image = File.ReadAllBytes(Binary);
        var rows = Build();
        Console.WriteLine(FormattableString.Invariant($"// {Binary}: {rows} rows, {rows * BpfRowBytes} bytes as BPF rows"));
    }

    [Benchmark(Description = "build unwind table")]
    public int Build()
    {
        using var elf = ElfFile.FromMemory(_image);
        return UnwindTableBuilder.Build(elf, UnwindTableLimits.Default)?.Rows.Count ?? 0;
    }

    private static string? AgentBinary()
    {
        if (Environment.GetEnvironmentVariable("EMBER_AGENT_BINARY") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var native = Path.Combine(directory.FullName, "artifacts", "bin", "Ember.Agent", "release_linux-x64", "native", "ember-agent");
            if (File.Exists(native))
            {
                return native;
            }
        }

        return null;
    }
}
