using System.Diagnostics;
using System.Globalization;
using Ember.Symbols.Elf;
using Ember.Symbols.Unwinding;

namespace Ember.Benchmarks;

/// <summary>
/// Unwind-table memory for many distinct executables: the first N ELF files (by path) under the
/// machine's program and library directories, one per GNU build ID, each turned into its table as
/// the agent would. Prints what they take as BPF rows (8 bytes each), so the default budget can be
/// read against a node's real binaries rather than against three hand-picked ones.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class UnwindCorpus
{
    private const int BpfRowBytes = 8;
    private static readonly string[] Roots = ["/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu", "/usr/lib"];

    public static void Run(int count)
    {
        var buildIds = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<int>();
        var largest = new List<(int Rows, string Path)>();
        var (withoutTable, failed) = (0, 0);
        var clock = Stopwatch.StartNew();
        foreach (var path in Candidates())
        {
            if (rows.Count + withoutTable + failed == count)
            {
                break;
            }

            try
            {
                using var elf = ElfFile.Open(path);
                if (elf.Type is not (ElfFileType.Executable or ElfFileType.SharedObject) || (elf.GnuBuildId is { } id && !buildIds.Add(id)))
                {
                    continue;
                }

                var table = UnwindTableBuilder.Build(elf, UnwindTableLimits.Default);
                if (table is null || table.Rows.Count == 0)
                {
                    withoutTable++;
                }
                else
                {
                    rows.Add(table.Rows.Count);
                    largest.Add((table.Rows.Count, path));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ElfFormatException or UnsupportedElfException)
            {
                // not an ELF file we can read: not one of the N
            }
            catch (CfiFormatException)
            {
                failed++;
            }
        }

        clock.Stop();
        rows.Sort();
        var total = rows.Sum(r => (long)r);
        string Percentile(double p) => rows.Count == 0 ? "-" : rows[(int)Math.Min(rows.Count - 1, Math.Floor(p * rows.Count))].ToString("N0", CultureInfo.InvariantCulture);
        Console.WriteLine(FormattableString.Invariant(
            $"{rows.Count + withoutTable + failed} distinct ELF files: {rows.Count} with a table, {withoutTable} without CFI, {failed} malformed"));
        Console.WriteLine(FormattableString.Invariant(
            $"rows: {total:N0} in all = {total * BpfRowBytes / 1048576.0:F1} MiB as BPF rows; per file median {Percentile(0.5)}, p90 {Percentile(0.9)}, max {Percentile(1)}"));
        foreach (var (fileRows, path) in largest.OrderByDescending(l => l.Rows).Take(5))
        {
            Console.WriteLine(FormattableString.Invariant($"  {fileRows,9:N0} rows  {path}"));
        }

        Console.WriteLine(FormattableString.Invariant($"build time: {clock.Elapsed.TotalSeconds:F1} s in all, {clock.Elapsed.TotalMilliseconds / Math.Max(1, rows.Count):F2} ms per table"));
    }

    private static IEnumerable<string> Candidates() =>
        Roots.Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = root != "/usr/lib", IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }))
            .Order(StringComparer.Ordinal);
}
