using System.Globalization;
using System.Text.RegularExpressions;
using Ember.Symbols.Demangling;
using Ember.Symbols.Elf;
using Ember.Symbols.Identity;
using Ember.Symbols.PerfMap;
using Ember.Symbols.Processes;
using Ember.Symbols.Symbolization;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Symbolization;

/// <summary>The symbolizer facade on live processes: native, Go, JIT, vDSO and kernel frames, with mappings and build IDs.</summary>
public sealed partial class SymbolizerTests
{
    public static TheoryData<string> Executables => new(NativeFixtures.Variants.Where(v => !v.StartsWith("lib", StringComparison.Ordinal)));

    public static TheoryData<string> GoBuilds => new("stripped", "pie-stripped");

    [Theory]
    [MemberData(nameof(Executables))]
    public void Native_frames_of_a_live_process_are_named_with_their_mapping_and_build_ids(string variant)
    {
        var binary = NativeFixtures.Binaries[variant];
        using var process = new FixtureProcess(binary);
        using var symbolizer = new Symbolizer();

        foreach (var (name, address) in process.PrintedAddresses)
        {
            var result = symbolizer.SymbolizeProcessAddress(process.Pid, address + 3);

            Assert.Equal(name, result.Frames.Single().FunctionName);
            Assert.Equal(name, result.Frames[0].SystemName);
            Assert.Equal(FrameKind.Native, result.Kind);
            var file = name == "shared_helper" ? NativeFixtures.Binaries["libshared.so"] : binary;
            Assert.Equal(file, result.Mapping!.Path);
            Assert.Equal(ReadelfBuildId(file), result.Mapping.BuildIds.Gnu);
            Assert.Equal(HtlHash.Compute(file), result.Mapping.BuildIds.HtlHash);
            // The normalized address is what an offline symbolizer takes for this file.
            Assert.Equal(name, SymbolizerPeers.LlvmSymbolizer(file, [result.NormalizedAddress!.Value])[0].Name);
        }
    }

    [Theory]
    [MemberData(nameof(GoBuilds))]
    public void Go_frames_of_a_live_process_match_what_the_go_runtime_says_about_its_own_pcs(string build)
    {
        using var process = new FixtureProcess(GoFixtures.Binaries[build], 5, "-wait");
        using var symbolizer = new Symbolizer();

        foreach (var line in process.PrintedLines)
        {
            var (name, pc, file, lineNumber) = (line[0], ulong.Parse(line[1].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture), line[2], int.Parse(line[3], CultureInfo.InvariantCulture));

            var result = symbolizer.SymbolizeProcessAddress(process.Pid, pc);

            Assert.Equal(FrameKind.Go, result.Kind);
            Assert.Equal(new SymbolizedFrame(name, name, file, lineNumber), result.Frames.Single());
            Assert.Equal(GoFixtures.Tool("buildid", [GoFixtures.Binaries[build]]).Trim(), result.Mapping!.BuildIds.Go);
        }
    }

    [Fact]
    public void A_deleted_binary_is_still_symbolized_through_map_files()
    {
        var directory = Directory.CreateTempSubdirectory("ember-deleted-").FullName;
        var binary = Path.Combine(directory, "gone");
        File.Copy(NativeFixtures.Binaries["gcc-pie-O2"], binary);
        File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var process = new FixtureProcess(binary);
        File.Delete(binary);
        using var symbolizer = new Symbolizer();

        var result = symbolizer.SymbolizeProcessAddress(process.Pid, process.PrintedAddresses["global_fn_7"] + 1);

        Assert.Equal("global_fn_7", result.Frames[0].FunctionName);
        Assert.Equal(binary, result.Mapping!.Path);
        Assert.Equal(ReadelfBuildId(NativeFixtures.Binaries["gcc-pie-O2"]), result.Mapping.BuildIds.Gnu);
    }

    [Fact]
    public void One_binary_run_twice_and_from_a_copy_is_parsed_once()
    {
        var copy = Path.Combine(Directory.CreateTempSubdirectory("ember-copy-").FullName, "same-content");
        File.Copy(NativeFixtures.Binaries["gcc-pie-O2"], copy);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var first = new FixtureProcess(NativeFixtures.Binaries["gcc-pie-O2"]);
        using var second = new FixtureProcess(NativeFixtures.Binaries["gcc-pie-O2"]);
        using var third = new FixtureProcess(copy);
        using var symbolizer = new Symbolizer();

        Assert.Equal("global_fn_7", symbolizer.SymbolizeProcessAddress(first.Pid, first.PrintedAddresses["global_fn_7"]).Frames[0].FunctionName);
        var parsed = symbolizer.BinariesParsed;
        Assert.Equal("global_fn_7", symbolizer.SymbolizeProcessAddress(second.Pid, second.PrintedAddresses["global_fn_7"]).Frames[0].FunctionName);
        Assert.Equal("local_fn_9", symbolizer.SymbolizeProcessAddress(third.Pid, third.PrintedAddresses["local_fn_9"]).Frames[0].FunctionName);

        Assert.Equal(1, parsed);
        Assert.Equal(parsed, symbolizer.BinariesParsed);
    }

    [Fact]
    public void Evicted_binaries_are_reopened_and_still_give_the_same_names()
    {
        using var symbolizer = new Symbolizer(new SymbolizerOptions { MaxCachedBinaries = 1 });
        var libraries = new[] { NativeFixtures.Binaries["libshared.so"], NativeFixtures.Binaries["gcc-pie-O2"] };
        var expected = new Dictionary<string, ElfFunctionSymbol>();
        foreach (var library in libraries)
        {
            using var elf = ElfFile.Open(library);
            var table = elf.ReadFunctionSymbols();
            expected[library] = table[table.Count / 2];
        }

        for (var round = 0; round < 3; round++)
        {
            foreach (var library in libraries)
            {
                Assert.Equal(expected[library].Name, symbolizer.SymbolizeFileAddress(library, expected[library].Start).Frames[0].FunctionName);
            }
        }

        Assert.Equal(6, symbolizer.BinariesParsed);
    }

    [Fact]
    public void Cpp_frames_are_demangled_like_cxxfilt_and_keep_the_mangled_system_name()
    {
        const string Library = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        var functions = SymbolizerPeers.Nm(Library, dynamic: true).Where(s => s.Kind == 'T' && s.Name.StartsWith("_ZNS", StringComparison.Ordinal) && s.Size > 8).Take(200).ToList();
        var demangled = CxxFilt.Gnu(functions.Select(f => f.Name).ToList());
        using var symbolizer = new Symbolizer();

        for (var i = 0; i < functions.Count; i++)
        {
            var result = symbolizer.SymbolizeFileAddress(Library, functions[i].Address + 4);
            var aliases = SymbolizerPeers.Aliases(Library)[functions[i].Address].ToHashSet();
            Assert.Contains(result.Frames[0].SystemName!, aliases);
            if (result.Frames[0].SystemName == functions[i].Name)
            {
                Assert.Equal(demangled[i], result.Frames[0].FunctionName);
            }

            Assert.Equal(Demangler.Demangle(result.Frames[0].SystemName!), result.Frames[0].FunctionName);
        }
    }

    [Fact]
    public void Node_jit_frames_are_named_from_the_perf_map_found_through_the_process_root()
    {
        var node = ExternalProcess.Require("node", "nodejs");
        var script = Path.Combine(Directory.CreateTempSubdirectory("ember-node-").FullName, "hot.js");
        File.WriteAllText(script, """
            function ember_hot(n){let s=0;for(let i=0;i<n;i++)s+=Math.sqrt(i)*i;return s}
            let t=0; for(let k=0;k<200;k++) t+=ember_hot(50000);
            console.log('ready 0x' + (t > 0 ? 1 : 0));
            process.stdin.resume(); process.stdin.on('end', () => process.exit(0));
            """);
        using var process = new FixtureProcess(node, 1, "--perf-basic-prof", script);
        var map = new PerfMapFile($"/tmp/perf-{process.Pid}.map");
        map.Refresh();
        var line = File.ReadLines(map.Path).First(l => l.Contains("JS:*ember_hot", StringComparison.Ordinal));
        Assert.True(PerfMapFile.TryParseLine(line, out var jitted));
        using var symbolizer = new Symbolizer();

        var result = symbolizer.SymbolizeProcessAddress(process.Pid, jitted.Start + (jitted.Size / 2));

        Assert.Equal(FrameKind.Jit, result.Kind);
        Assert.Equal(jitted.Name, result.Frames[0].FunctionName);
        Assert.Equal(string.Empty, result.Mapping!.Path);
        Assert.Null(result.Mapping.BuildIds.HtlHash);
    }

    [Fact]
    public void Vdso_frames_are_named_from_the_agents_own_copy_of_the_vdso()
    {
        using var process = new FixtureProcess(NativeFixtures.Binaries["gcc-pie-O2"]);
        var vdso = ProcMapsParser.Read(process.Pid).Single(m => m.Kind == MappingKind.Vdso);
        var image = new byte[vdso.End - vdso.Start];
        using (var memory = File.OpenHandle($"/proc/{process.Pid}/mem"))
        {
            Assert.Equal(image.Length, RandomAccess.Read(memory, image, (long)vdso.Start));
        }

        using var elf = ElfFile.FromMemory(image);
        var clockGettime = elf.ReadSymbols(elf.FindSection(".dynsym")!).First(s => s.Name == "__vdso_clock_gettime");
        var runtime = AddressTranslator.ToRuntimeAddress(vdso, elf.ProgramHeaders, clockGettime.Value + 2)!.Value;
        using var symbolizer = new Symbolizer();

        var result = symbolizer.SymbolizeProcessAddress(process.Pid, runtime);

        Assert.Equal("__vdso_clock_gettime", result.Frames[0].FunctionName);
        Assert.Equal("[vdso]", result.Mapping!.Path);
        Assert.Equal(clockGettime.Value + 2, result.NormalizedAddress);
    }

    [Fact]
    public void Kernel_frames_are_named_and_carry_the_kernel_build_id_perf_reports()
    {
        var perfBuildId = ExternalProcess.RunChecked(ExternalProcess.Require("perf", "linux-perf"), ["buildid-list", "-k"]).Trim();
        var line = ExternalProcess.RunChecked("/bin/sh", ["-c", "grep -E ' [tT] vfs_read$' /proc/kallsyms | head -1"]).Trim();
        var address = ulong.Parse(line.Split(' ')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        using var symbolizer = new Symbolizer();

        var result = symbolizer.SymbolizeKernelAddress(address + 8);

        Assert.Equal(FrameKind.Kernel, result.Kind);
        Assert.Equal("vfs_read", result.Frames[0].FunctionName);
        Assert.Equal("[kernel.kallsyms]", result.Mapping!.Path);
        Assert.Equal(perfBuildId, result.Mapping.BuildIds.Gnu);
    }

    [Fact]
    public void Unnamed_addresses_keep_their_mapping_and_build_ids_and_addresses_outside_mappings_have_none()
    {
        var binary = NativeFixtures.Binaries["gcc-pie-O2"];
        using var process = new FixtureProcess(binary);
        var header = ProcMapsParser.Read(process.Pid).First(m => m.Path == binary && m.FileOffset == 0);
        using var symbolizer = new Symbolizer();

        var inHeader = symbolizer.SymbolizeProcessAddress(process.Pid, header.Start + 0x10);
        var nowhere = symbolizer.SymbolizeProcessAddress(process.Pid, 0x10);

        Assert.False(inHeader.IsKnown);
        Assert.Null(inHeader.Frames[0].FunctionName);
        Assert.Equal(binary, inHeader.Mapping!.Path);
        Assert.Equal(ReadelfBuildId(binary), inHeader.Mapping.BuildIds.Gnu);
        Assert.False(nowhere.IsKnown);
        Assert.Null(nowhere.Mapping);
    }

    [Fact]
    public void A_process_that_exited_yields_unknown_frames_instead_of_errors()
    {
        int pid;
        ulong address;
        using (var process = new FixtureProcess(NativeFixtures.Binaries["gcc-pie-O2"]))
        {
            pid = process.Pid;
            address = process.PrintedAddresses["global_fn_7"];
        }

        using var symbolizer = new Symbolizer();
        var result = symbolizer.SymbolizeProcessAddress(pid, address);
        Assert.False(result.IsKnown);
        symbolizer.ForgetProcess(pid);
    }

    private static string? ReadelfBuildId(string file) =>
        BuildIdPattern().Match(ExternalProcess.RunChecked(ExternalProcess.Require("readelf", "binutils"), ["-n", file])) is { Success: true } match
            ? match.Groups[1].Value
            : null;

    [GeneratedRegex(@"Build ID: ([0-9a-f]+)")]
    private static partial Regex BuildIdPattern();
}
