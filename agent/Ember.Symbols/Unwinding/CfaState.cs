namespace Ember.Symbols.Unwinding;

/// <summary>How the CFA is defined at one point of a CFA program.</summary>
internal enum CfaDefinition : byte
{
    /// <summary>Register + offset.</summary>
    Register,

    /// <summary>The PLT expression; the threshold is in <see cref="CfaState.PltThreshold"/>.</summary>
    Plt,

    /// <summary>Any other DWARF expression.</summary>
    Expression,
}

/// <summary>The rule of one register column that the table keeps (rbp or the return address).</summary>
internal enum RegisterRule : byte
{
    /// <summary>Undefined, same_value or never mentioned: the register keeps its value.</summary>
    Unchanged,

    /// <summary>Saved at CFA + offset.</summary>
    Offset,

    /// <summary>Another register, val_offset or an expression: not expressible in a row.</summary>
    Other,
}

/// <summary>
/// The rules a CFA program has established at one location, reduced to the columns an x86-64 row
/// needs: the CFA, rbp and the return address. Other registers are not tracked.
/// </summary>
internal struct CfaState
{
    /// <summary>DWARF x86-64 register numbers.</summary>
    public const ulong Rbp = 6;
    public const ulong Rsp = 7;

    public CfaDefinition Cfa;
    public ulong CfaRegister;
    public long CfaOffset;
    public int PltThreshold;
    public RegisterRule Fp;
    public long FpOffset;
    public RegisterRule Ra;
    public long RaOffset;

    /// <summary>The row for this state; <paramref name="signalFrame"/> rows are always unsupported.</summary>
    public readonly UnwindRow ToRow(ulong address, bool signalFrame)
    {
        var unsupported = new UnwindRow(address, UnwindRowKind.Unsupported, CfaRule.None, 0, FpRule.Unchanged, 0);
        if (signalFrame || Ra != RegisterRule.Offset || RaOffset != -8 || Fp == RegisterRule.Other)
        {
            return unsupported;
        }

        CfaRule rule;
        int offset;
        switch (Cfa)
        {
            case CfaDefinition.Plt:
                (rule, offset) = (CfaRule.Plt, PltThreshold);
                break;
            case CfaDefinition.Register when CfaRegister is Rsp or Rbp && CfaOffset is >= int.MinValue and <= int.MaxValue:
                (rule, offset) = (CfaRegister == Rsp ? CfaRule.Sp : CfaRule.Fp, (int)CfaOffset);
                break;
            default:
                return unsupported;
        }

        if (Fp == RegisterRule.Offset)
        {
            return FpOffset is >= int.MinValue and <= int.MaxValue
                ? new UnwindRow(address, UnwindRowKind.Rule, rule, offset, FpRule.AtCfaOffset, (int)FpOffset)
                : unsupported;
        }

        return new UnwindRow(address, UnwindRowKind.Rule, rule, offset, FpRule.Unchanged, 0);
    }
}
