namespace Ember.Symbols.Unwinding;

/// <summary>
/// Runs DWARF CFA programs (DWARF 4/5 opcodes plus the GNU ones GCC emits) over the reduced
/// <see cref="CfaState"/>. Work is bounded: instructions per program, remember_state depth; locations
/// only move forward and a program stops where it advances past its FDE.
/// </summary>
internal sealed class CfaInterpreter
{
    // DW_OP_breg7 8; DW_OP_breg16 0; DW_OP_lit15; DW_OP_and; DW_OP_lit<N>; DW_OP_ge; DW_OP_lit3; DW_OP_shl; DW_OP_plus
    private static readonly byte[] _pltExpressionHead = [0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a];
    private static readonly byte[] _pltExpressionTail = [0x2a, 0x33, 0x24, 0x22];

    private readonly UnwindTableLimits _limits;
    private readonly CfiBases _bases;
    private readonly CfaState[] _stack;

    public CfaInterpreter(UnwindTableLimits limits, CfiBases bases)
    {
        _limits = limits;
        _bases = bases;
        _stack = new CfaState[Math.Max(0, limits.MaxStateStackDepth)];
    }

    /// <summary>The state after a CIE's initial instructions (locations there are meaningless and ignored).</summary>
    public CfaState RunInitial(ReadOnlySpan<byte> section, int start, int end, CommonInformationEntry cie)
    {
        var state = new CfaState { Cfa = CfaDefinition.Register, CfaRegister = ulong.MaxValue };
        var cursor = new CfiCursor(section, start, end);
        Run(ref cursor, cie, ref state, null, 0, 0);
        return state;
    }

    /// <summary>Runs an FDE's instructions from the CIE's initial state and writes its rows for [begin, end).</summary>
    public void RunFde(ReadOnlySpan<byte> section, int start, int end, CommonInformationEntry cie, ulong begin, ulong pcEnd, UnwindRowWriter rows)
    {
        var state = cie.Initial;
        var cursor = new CfiCursor(section, start, end);
        var location = Run(ref cursor, cie, ref state, rows, begin, pcEnd);
        rows.Add(state.ToRow(location, cie.IsSignalFrame));
    }

    private static bool IsPltExpression(ReadOnlySpan<byte> expression, out int threshold)
    {
        threshold = 0;
        if (expression.Length != _pltExpressionHead.Length + 1 + _pltExpressionTail.Length
            || !expression.StartsWith(_pltExpressionHead) || !expression.EndsWith(_pltExpressionTail)
            || expression[_pltExpressionHead.Length] is < 0x30 or > 0x4f)
        {
            return false;
        }

        threshold = expression[_pltExpressionHead.Length] - 0x30;
        return true;
    }

    // Saturates instead of overflowing: a saturated offset does not fit a row and makes it unsupported.
    private static long Scale(Int128 value, long factor) => (long)Int128.Clamp(value * factor, long.MinValue, long.MaxValue);

    private static long Unscaled(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    private static void SetRule(ref CfaState state, CommonInformationEntry cie, ulong register, RegisterRule rule, long offset)
    {
        if (register == CfaState.Rbp)
        {
            state.Fp = rule;
            state.FpOffset = offset;
        }

        if (register == cie.ReturnAddressRegister)
        {
            state.Ra = rule;
            state.RaOffset = offset;
        }
    }

    private static void Restore(ref CfaState state, CommonInformationEntry cie, ulong register, bool inCie)
    {
        var initial = inCie ? default : cie.Initial;
        if (register == CfaState.Rbp)
        {
            state.Fp = initial.Fp;
            state.FpOffset = initial.FpOffset;
        }

        if (register == cie.ReturnAddressRegister)
        {
            state.Ra = initial.Ra;
            state.RaOffset = initial.RaOffset;
        }
    }

    /// <summary>Runs the program; returns the location reached (rows are written only for FDEs).</summary>
    private ulong Run(ref CfiCursor cursor, CommonInformationEntry cie, ref CfaState state, UnwindRowWriter? rows, ulong location, ulong pcEnd)
    {
        var inCie = rows is null;
        var depth = 0;
        var count = 0;
        while (!cursor.AtEnd)
        {
            if (++count > _limits.MaxInstructionsPerFde)
            {
                throw cursor.Error(CfiError.TooManyInstructions, $"more than {_limits.MaxInstructionsPerFde} CFA instructions in one entry");
            }

            var opcode = cursor.ReadU8();
            ulong? advance = null;
            switch (opcode >> 6)
            {
                case 1:
                    advance = (ulong)(opcode & 0x3f);
                    break;
                case 2:
                    SetRule(ref state, cie, (ulong)(opcode & 0x3f), RegisterRule.Offset, Scale(cursor.ReadULeb128(), cie.DataAlignment));
                    continue;
                case 3:
                    Restore(ref state, cie, (ulong)(opcode & 0x3f), inCie);
                    continue;
            }

            if (advance is null)
            {
                switch (opcode)
                {
                    case 0x00: // nop
                        continue;
                    case 0x01: // set_loc
                        var target = PointerEncoding.Read(ref cursor, cie.FdeEncoding, _bases, allowIndirect: false);
                        if (inCie)
                        {
                            continue;
                        }

                        if (target < location)
                        {
                            throw cursor.Error(CfiError.BadInstruction, $"DW_CFA_set_loc moves back from 0x{location:x} to 0x{target:x}");
                        }

                        if (target >= pcEnd)
                        {
                            return location;
                        }

                        rows!.Add(state.ToRow(location, cie.IsSignalFrame));
                        location = target;
                        continue;
                    case 0x02:
                        advance = cursor.ReadU8();
                        break;
                    case 0x03:
                        advance = cursor.ReadU16();
                        break;
                    case 0x04:
                        advance = cursor.ReadU32();
                        break;
                    default:
                        if (!RunRuleOpcode(ref cursor, opcode, cie, ref state, ref depth, inCie))
                        {
                            throw cursor.Error(CfiError.BadInstruction, $"unknown CFA opcode 0x{opcode:x2}");
                        }

                        continue;
                }
            }

            if (inCie)
            {
                continue;
            }

            var delta = (UInt128)advance.Value * cie.CodeAlignment;
            if (delta >= pcEnd - location)
            {
                // Rows past the FDE's end would describe code it does not cover.
                return location;
            }

            rows!.Add(state.ToRow(location, cie.IsSignalFrame));
            location += (ulong)delta;
        }

        return location;
    }

    /// <summary>Every opcode that changes rules rather than the location; false for unknown opcodes.</summary>
    private bool RunRuleOpcode(ref CfiCursor cursor, byte opcode, CommonInformationEntry cie, ref CfaState state, ref int depth, bool inCie)
    {
        switch (opcode)
        {
            case 0x05: // offset_extended
                SetRule(ref state, cie, cursor.ReadULeb128(), RegisterRule.Offset, Scale(cursor.ReadULeb128(), cie.DataAlignment));
                return true;
            case 0x06: // restore_extended
                Restore(ref state, cie, cursor.ReadULeb128(), inCie);
                return true;
            case 0x07: // undefined
            case 0x08: // same_value
                SetRule(ref state, cie, cursor.ReadULeb128(), RegisterRule.Unchanged, 0);
                return true;
            case 0x09: // register
                SetRule(ref state, cie, cursor.ReadULeb128(), RegisterRule.Other, 0);
                cursor.ReadULeb128();
                return true;
            case 0x0a: // remember_state
                if (depth >= _stack.Length)
                {
                    throw cursor.Error(CfiError.StateStackOverflow, $"DW_CFA_remember_state nests deeper than {_stack.Length}");
                }

                _stack[depth++] = state;
                return true;
            case 0x0b: // restore_state
                if (depth == 0)
                {
                    throw cursor.Error(CfiError.BadInstruction, "DW_CFA_restore_state without a remembered state");
                }

                state = _stack[--depth];
                return true;
            case 0x0c: // def_cfa
                state.Cfa = CfaDefinition.Register;
                state.CfaRegister = cursor.ReadULeb128();
                state.CfaOffset = Unscaled(cursor.ReadULeb128());
                return true;
            case 0x0d: // def_cfa_register
                state.Cfa = CfaDefinition.Register;
                state.CfaRegister = cursor.ReadULeb128();
                return true;
            case 0x0e: // def_cfa_offset
                state.CfaOffset = Unscaled(cursor.ReadULeb128());
                return true;
            case 0x0f: // def_cfa_expression
                var expression = cursor.ReadBytes(cursor.ReadULeb128());
                state.Cfa = IsPltExpression(expression, out state.PltThreshold) ? CfaDefinition.Plt : CfaDefinition.Expression;
                return true;
            case 0x10: // expression
            case 0x16: // val_expression
                var register = cursor.ReadULeb128();
                cursor.Skip(cursor.ReadULeb128());
                SetRule(ref state, cie, register, RegisterRule.Other, 0);
                return true;
            case 0x11: // offset_extended_sf
                SetRule(ref state, cie, cursor.ReadULeb128(), RegisterRule.Offset, Scale(cursor.ReadSLeb128(), cie.DataAlignment));
                return true;
            case 0x12: // def_cfa_sf
                state.Cfa = CfaDefinition.Register;
                state.CfaRegister = cursor.ReadULeb128();
                state.CfaOffset = Scale(cursor.ReadSLeb128(), cie.DataAlignment);
                return true;
            case 0x13: // def_cfa_offset_sf
                state.CfaOffset = Scale(cursor.ReadSLeb128(), cie.DataAlignment);
                return true;
            case 0x14: // val_offset
                SetRule(ref state, cie, cursor.ReadULeb128(), RegisterRule.Other, 0);
                cursor.ReadULeb128();
                return true;
            case 0x15: // val_offset_sf
                SetRule(ref state, cie, cursor.ReadULeb128(), RegisterRule.Other, 0);
                cursor.ReadSLeb128();
                return true;
            case 0x2e: // GNU_args_size: only matters for exception landing pads
                cursor.ReadULeb128();
                return true;
            case 0x2f: // GNU_negative_offset_extended
                SetRule(ref state, cie, cursor.ReadULeb128(), RegisterRule.Offset, Scale(-(Int128)cursor.ReadULeb128(), cie.DataAlignment));
                return true;
            default:
                return false;
        }
    }
}
