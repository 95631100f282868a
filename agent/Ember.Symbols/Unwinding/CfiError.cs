namespace Ember.Symbols.Unwinding;

/// <summary>Why call-frame information was rejected.</summary>
public enum CfiError
{
    /// <summary>An entry, field or instruction runs past the end of its entry or of the section.</summary>
    Truncated,

    /// <summary>A DW_EH_PE pointer encoding that is unknown or cannot be applied here.</summary>
    BadPointerEncoding,

    /// <summary>An FDE's CIE pointer is out of range or does not point at a CIE.</summary>
    BadCiePointer,

    /// <summary>A CIE version other than 1, 3 or 4, or an address size other than 8.</summary>
    UnsupportedVersion,

    /// <summary>An augmentation string or augmentation data longer than the limit.</summary>
    AugmentationTooLarge,

    /// <summary>The table would have more rows than the limit.</summary>
    TooManyRows,

    /// <summary>An FDE or CIE has more CFA instructions than the limit.</summary>
    TooManyInstructions,

    /// <summary>DW_CFA_remember_state nests deeper than the limit.</summary>
    StateStackOverflow,

    /// <summary>An unknown opcode, an unbalanced DW_CFA_restore_state, a location moving backwards, an oversized LEB128.</summary>
    BadInstruction,

    /// <summary>The CFI section is larger than the limit.</summary>
    SectionTooLarge,

    /// <summary>The ELF file is not for x86-64.</summary>
    UnsupportedMachine,
}
