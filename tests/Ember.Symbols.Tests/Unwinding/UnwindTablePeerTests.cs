using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ember.Symbols.Elf;
using Ember.Symbols.Tests.Peers;
using Ember.Symbols.Unwinding;
using Xunit.Abstractions;

namespace Ember.Symbols.Tests.Unwinding;

/// <summary>
/// Every row readelf interprets must agree with the row of our table covering its location: the same
/// CFA rule and offset, the same rbp rule. Addresses just past an FDE with no FDE following are NoInfo.
/// </summary>
/// <remarks>
/// Documented exceptions, asserted by kind rather than skipped: a CFA readelf shows as <c>exp</c>
/// is either our PLT rule (inside a PLT section) or an unsupported row (elsewhere); signal-frame CIEs
/// ('S') and return addresses not at c-8 give unsupported rows. FDEs overlapping an earlier one are
/// dropped by the builder and not compared.
/// </remarks>
public sealed partial class UnwindTablePeerTests(ITestOutputHelper output)
{
    public static TheoryData<string> SystemBinaries => new()
    {
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/usr/bin/xz",
        "/usr/bin/python3.11",
    };

    [Theory]
    [MemberData(nameof(SystemBinaries))]
    public void System_binaries_agree_with_readelf(string path) => AssertAgreesWithReadelf(path, CfiSection.EhFrame);

    [Fact]
    public void Compiled_program_without_frame_pointers_agrees_with_readelf() =>
        AssertAgreesWithReadelf(CfiFixtures.Binaries["frames-O2"], CfiSection.EhFrame);

    [Fact]
    public void Debug_frame_of_a_program_without_eh_frame_agrees_with_readelf() =>
        AssertAgreesWithReadelf(CfiFixtures.Binaries["frames-debug-frame"], CfiSection.DebugFrame);

    private static (UnwindRowKind Kind, CfaRule Cfa, int CfaOffset, FpRule Fp, int FpOffset)? Expected(
        ReadelfFrames.Row row, bool signal, bool inPlt)
    {
        var unsupported = (UnwindRowKind.Unsupported, CfaRule.None, 0, FpRule.Unchanged, 0);
        if (signal || row.Ra != "c-8")
        {
            return unsupported;
        }

        (FpRule, int)? fp = row.Rbp switch
        {
            null or "u" or "s" => (FpRule.Unchanged, 0),
            var text when SavedAt().Match(text) is { Success: true } m => (FpRule.AtCfaOffset, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)),
            _ => null,
        };
        if (fp is null)
        {
            return unsupported;
        }

        if (row.Cfa == "exp")
        {
            // The PLT threshold is not in readelf's table; the caller accepts any Plt row here.
            return inPlt ? (UnwindRowKind.Rule, CfaRule.Plt, -1, fp.Value.Item1, fp.Value.Item2) : unsupported;
        }

        var cfa = CfaText().Match(row.Cfa);
        if (!cfa.Success)
        {
            return unsupported;
        }

        var rule = cfa.Groups[1].Value == "rsp" ? CfaRule.Sp : CfaRule.Fp;
        return (UnwindRowKind.Rule, rule, int.Parse(cfa.Groups[2].Value, CultureInfo.InvariantCulture), fp.Value.Item1, fp.Value.Item2);
    }

    private void AssertAgreesWithReadelf(string path, CfiSection expectedSource)
    {
        using var elf = ElfFile.Open(path);
        var stopwatch = Stopwatch.StartNew();
        var table = UnwindTableBuilder.Build(elf, UnwindTableLimits.Default);
        stopwatch.Stop();
        Assert.NotNull(table);
        Assert.Equal(expectedSource, table.Source);
        AssertWellFormed(table);

        var dump = ReadelfFrames.Dump(path);
        var section = dump[expectedSource == CfiSection.EhFrame ? ".eh_frame" : ".debug_frame"];
        var plts = elf.Sections.Where(s => s.Name.StartsWith(".plt", StringComparison.Ordinal)).ToList();
        var kept = KeptFdes(section.Fdes);
        var starts = kept.Select(f => f.Begin).ToHashSet();
        var mismatches = new List<string>();
        int compared = 0, plt = 0, unsupported = 0, ends = 0;
        foreach (var fde in kept)
        {
            var cie = section.Cies[fde.CieOffset];
            var signal = cie.Augmentation.Contains('S', StringComparison.Ordinal);
            // An FDE without instructions has no table in readelf's dump: the CIE's initial row applies.
            var rows = fde.Rows.Count > 0 ? fde.Rows : [cie.Rows[0] with { Location = fde.Begin }];
            var byLocation = new Dictionary<ulong, ReadelfFrames.Row>();
            foreach (var row in rows.Where(r => r.Location >= fde.Begin && r.Location < fde.End))
            {
                byLocation[row.Location] = row; // the last row printed at a location is the rule there
            }

            foreach (var row in byLocation.Values)
            {
                var inPlt = plts.Any(s => row.Location >= s.Address && row.Location < s.Address + s.Size);
                var expected = Expected(row, signal, inPlt);
                var actual = table.Find(row.Location);
                compared++;
                var matches = expected is { } e && actual.Kind == e.Kind && actual.Cfa == e.Cfa
                    && (actual.CfaOffset == e.CfaOffset || (e.Cfa == CfaRule.Plt && actual.CfaOffset is 10 or 11))
                    && actual.Fp == e.Fp && actual.FpOffset == e.FpOffset;
                if (!matches)
                {
                    mismatches.Add($"FDE 0x{fde.Offset:x} LOC 0x{row.Location:x}: readelf CFA={row.Cfa} rbp={row.Rbp ?? "-"} ra={row.Ra ?? "-"}, table {actual}");
                }

                plt += actual.Cfa == CfaRule.Plt ? 1 : 0;
                unsupported += actual.Kind == UnwindRowKind.Unsupported ? 1 : 0;
            }

            if (!starts.Contains(fde.End))
            {
                ends++;
                if (table.Find(fde.End).Kind != UnwindRowKind.NoInfo)
                {
                    mismatches.Add($"FDE 0x{fde.Offset:x}: 0x{fde.End:x} just past its end is {table.Find(fde.End)}, not NoInfo");
                }
            }
        }

        output.WriteLine($"{path}: {table.FdeCount} FDEs ({section.Fdes.Count} in readelf), {table.Rows.Count} rows ({table.Rows.Count * 8} bytes as BPF rows), built in {stopwatch.Elapsed.TotalMilliseconds:F1} ms");
        output.WriteLine($"compared {compared} readelf rows ({plt} PLT, {unsupported} unsupported), {ends} FDE ends checked, {mismatches.Count} mismatches");
        Assert.Equal(kept.Count, table.FdeCount);
        Assert.True(compared > 0);
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(30)));
    }

    /// <summary>The builder's overlap rule, applied to readelf's FDE list: sorted by start then offset, overlapping ones dropped.</summary>
    private static List<ReadelfFrames.Entry> KeptFdes(List<ReadelfFrames.Entry> fdes)
    {
        var kept = new List<ReadelfFrames.Entry>();
        foreach (var fde in fdes.Where(f => f.End > f.Begin).OrderBy(f => f.Begin).ThenBy(f => f.Offset))
        {
            if (kept.Count == 0 || fde.Begin >= kept[^1].End)
            {
                kept.Add(fde);
            }
        }

        return kept;
    }

    internal static void AssertWellFormed(UnwindTable table)
    {
        for (var i = 1; i < table.Rows.Count; i++)
        {
            Assert.True(table.Rows[i].Address > table.Rows[i - 1].Address, $"row {i} does not increase");
            Assert.False(table.Rows[i].Kind == table.Rows[i - 1].Kind && table.Rows[i].Cfa == table.Rows[i - 1].Cfa
                && table.Rows[i].CfaOffset == table.Rows[i - 1].CfaOffset && table.Rows[i].Fp == table.Rows[i - 1].Fp
                && table.Rows[i].FpOffset == table.Rows[i - 1].FpOffset, $"rows {i - 1} and {i} have the same rule");
        }
    }

    [GeneratedRegex(@"^c([+-]\d+)$")]
    private static partial Regex SavedAt();

    [GeneratedRegex(@"^(rsp|rbp)([+-]\d+)$")]
    private static partial Regex CfaText();
}
