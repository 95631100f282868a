namespace Ember.Symbols.Unwinding;

/// <summary>The ELF section an <see cref="UnwindTable"/> was built from.</summary>
public enum CfiSection
{
    /// <summary><c>.eh_frame</c>: loaded with the program, GCC augmentations, relative CIE pointers.</summary>
    EhFrame,

    /// <summary><c>.debug_frame</c>: DWARF debug information, absolute CIE offsets.</summary>
    DebugFrame,
}
