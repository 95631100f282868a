namespace Ember.Symbols.Unwinding;

/// <summary>A parsed CIE: what its FDEs need to read their fields and run their instructions.</summary>
internal sealed class CommonInformationEntry
{
    public required ulong CodeAlignment { get; init; }

    public required long DataAlignment { get; init; }

    /// <summary>The return-address column (16 on x86-64).</summary>
    public required ulong ReturnAddressRegister { get; init; }

    /// <summary>DW_EH_PE encoding of FDE addresses (absptr when there is no 'R').</summary>
    public required byte FdeEncoding { get; init; }

    /// <summary>True when FDEs carry an augmentation data length ('z').</summary>
    public required bool HasAugmentationData { get; init; }

    /// <summary>'S': the frames are signal trampolines.</summary>
    public required bool IsSignalFrame { get; init; }

    /// <summary>
    /// False for augmentation strings this parser cannot skip (not starting with 'z'): the layout of
    /// the FDEs is then unknown beyond their addresses and they become unsupported rows.
    /// </summary>
    public required bool IsUnderstood { get; init; }

    /// <summary>The state after the CIE's initial instructions: where every FDE starts and what DW_CFA_restore returns to.</summary>
    public CfaState Initial { get; set; }
}
