namespace Ember.Symbols.Tests.Peers;

/// <summary>GNU c++filt (binutils) and llvm-cxxfilt as demangling oracles, one name per line.</summary>
internal static class CxxFilt
{
    /// <summary>What GNU c++filt prints for each name (the name itself when it cannot demangle it).</summary>
    public static string[] Gnu(IReadOnlyList<string> names) =>
        Run(ExternalProcess.Require("c++filt", "binutils"), names);

    /// <summary>What llvm-cxxfilt prints for each name (the oracle for Rust v0 names).</summary>
    public static string[] Llvm(IReadOnlyList<string> names) =>
        Run(ExternalProcess.Require("llvm-cxxfilt", "llvm"), names);

    /// <summary>Mangled C++ names from the dynamic symbol tables of the given files, deduplicated, without versions.</summary>
    public static List<string> MangledNamesOf(IEnumerable<string> files)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            // Linker scripts named *.so and other non-ELF files are skipped.
            if (!IsElf(file))
            {
                continue;
            }

            foreach (var symbol in SymbolizerPeers.Nm(file, dynamic: true))
            {
                if (symbol.Name.StartsWith("_Z", StringComparison.Ordinal))
                {
                    names.Add(symbol.Name);
                }
            }
        }

        return [.. names];
    }

    private static bool IsElf(string file)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(file);
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("\u007fELF"u8);
    }

    private static string[] Run(string tool, IReadOnlyList<string> names)
    {
        var output = ExternalProcess.RunChecked(tool, [], standardInput: string.Join('\n', names) + "\n");
        var lines = output.Split('\n');
        Assert.True(lines.Length >= names.Count, $"{Path.GetFileName(tool)} printed {lines.Length} lines for {names.Count} names");
        return lines[..names.Count];
    }
}
