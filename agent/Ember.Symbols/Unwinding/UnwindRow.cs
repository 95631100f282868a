namespace Ember.Symbols.Unwinding;

/// <summary>What an <see cref="UnwindRow"/> says about the addresses it covers.</summary>
public enum UnwindRowKind : byte
{
    /// <summary>
    /// No FDE covers the address (a gap between FDEs, or past the end of one): the unwinder falls back
    /// to frame pointers.
    /// </summary>
    NoInfo = 0,

    /// <summary>An FDE covers the address and its rule is in <see cref="UnwindRow.Cfa"/> and <see cref="UnwindRow.Fp"/>.</summary>
    Rule = 1,

    /// <summary>
    /// An FDE covers the address but its rule cannot be expressed: the CFA is based on a register other
    /// than rsp/rbp or is an expression other than the PLT one, the return address is not at CFA-8, rbp
    /// is recovered by an expression or from another register, or the frame is a signal frame
    /// (<c>S</c> augmentation).
    /// </summary>
    Unsupported = 2,
}

/// <summary>How the canonical frame address (the caller's rsp) is computed.</summary>
public enum CfaRule : byte
{
    /// <summary>No rule (rows that are not <see cref="UnwindRowKind.Rule"/>).</summary>
    None = 0,

    /// <summary>CFA = rsp + <see cref="UnwindRow.CfaOffset"/>.</summary>
    Sp = 1,

    /// <summary>CFA = rbp + <see cref="UnwindRow.CfaOffset"/>.</summary>
    Fp = 2,

    /// <summary>
    /// The PLT rule: CFA = rsp + 8 + ((rip &amp; 15) &gt;= Threshold ? 8 : 0), where
    /// <see cref="UnwindRow.CfaOffset"/> holds Threshold (10 or 11 in GCC/binutils PLTs).
    /// </summary>
    Plt = 3,
}

/// <summary>Where the caller's rbp is found.</summary>
public enum FpRule : byte
{
    /// <summary>rbp keeps its value: not saved yet, or declared same_value/undefined.</summary>
    Unchanged = 0,

    /// <summary>The caller's rbp is saved at [CFA + <see cref="UnwindRow.FpOffset"/>].</summary>
    AtCfaOffset = 1,
}

/// <summary>
/// One row of an x86-64 unwind table: from <paramref name="Address"/> up to the next row's address,
/// the CFA and the caller's rbp are found as described; the return address is always at CFA-8 in a
/// <see cref="UnwindRowKind.Rule"/> row.
/// </summary>
/// <remarks>
/// Rows that are not <see cref="UnwindRowKind.Rule"/> carry <see cref="CfaRule.None"/>, offset 0 and
/// <see cref="FpRule.Unchanged"/>, so equal rules compare equal. An AArch64 table would need two more
/// facts per row: the CFA base would be sp or x29, and the return address needs its own rule because
/// it stays in x30 (a register rule) until a prologue saves it at a CFA offset.
/// </remarks>
/// <param name="Address">First ELF virtual address the row applies to.</param>
/// <param name="Kind">Whether the address is covered and expressible.</param>
/// <param name="Cfa">How the CFA is computed.</param>
/// <param name="CfaOffset">Offset added to the CFA base register, or the PLT threshold.</param>
/// <param name="Fp">Where the caller's rbp is.</param>
/// <param name="FpOffset">Offset from the CFA of the saved rbp when <paramref name="Fp"/> is <see cref="FpRule.AtCfaOffset"/>.</param>
public readonly record struct UnwindRow(ulong Address, UnwindRowKind Kind, CfaRule Cfa, int CfaOffset, FpRule Fp, int FpOffset)
{
    /// <summary>True when both rows describe the same rule (addresses aside).</summary>
    internal bool SameRuleAs(in UnwindRow other) =>
        Kind == other.Kind && Cfa == other.Cfa && CfaOffset == other.CfaOffset && Fp == other.Fp && FpOffset == other.FpOffset;
}
