using Ember.Agent.Sampling;
using Ember.Symbols.Unwinding;
using KernelRow = Ember.Agent.Sampling.UnwindRow;
using TableRow = Ember.Symbols.Unwinding.UnwindRow;

namespace Ember.Agent.Unwinding;

/// <summary>Packs an <see cref="UnwindTable"/> into the kernel's 8-byte rows.</summary>
internal static class RowEncoder
{
    /// <summary>The rows, their pcs relative to <paramref name="baseAddress"/>; null when the table spans over 4 GiB.</summary>
    public static KernelRow[]? Encode(UnwindTable table, out ulong baseAddress)
    {
        var source = table.Rows;
        baseAddress = source[0].Address;
        var rows = new KernelRow[source.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var row = source[i];
            var pc = row.Address - baseAddress;
            if (pc > uint.MaxValue)
            {
                return null;
            }

            rows[i] = Encode(row) with { Pc = (uint)pc };
        }

        return rows;
    }

    private static KernelRow Encode(TableRow row)
    {
        if (row.Kind == UnwindRowKind.NoInfo)
        {
            return new KernelRow { Rule = ProfilerAbi.CfaNone };
        }

        var cfa = row.Kind != UnwindRowKind.Rule ? ProfilerAbi.CfaUnsupported : row.Cfa switch
        {
            CfaRule.Sp => ProfilerAbi.CfaSp,
            CfaRule.Fp => ProfilerAbi.CfaFp,
            CfaRule.Plt => ProfilerAbi.CfaPlt,
            _ => ProfilerAbi.CfaUnsupported,
        };
        var savesFp = row.Fp == FpRule.AtCfaOffset;

        // What the 8-byte row cannot hold, the walk cannot follow: it falls back to frame pointers there.
        if (row.CfaOffset is < short.MinValue or > short.MaxValue
            || (savesFp && (row.FpOffset % 8 != 0 || row.FpOffset / 8 is < sbyte.MinValue or > sbyte.MaxValue)))
        {
            cfa = ProfilerAbi.CfaUnsupported;
        }

        return cfa == ProfilerAbi.CfaUnsupported
            ? new KernelRow { Rule = ProfilerAbi.CfaUnsupported }
            : new KernelRow
            {
                CfaOffset = (short)row.CfaOffset,
                FpOffset = savesFp ? (sbyte)(row.FpOffset / 8) : (sbyte)0,
                Rule = (byte)(cfa | (savesFp ? ProfilerAbi.FpAtCfa : 0)),
            };
    }
}
