namespace Ember.Symbols.Unwinding;

/// <summary>Bounds on the work and memory one <see cref="UnwindTableBuilder.Build"/> call may use on hostile input.</summary>
/// <param name="MaxRows">Rows in the finished table (<see cref="CfiError.TooManyRows"/>).</param>
/// <param name="MaxSectionBytes">Size of the CFI section read (<see cref="CfiError.SectionTooLarge"/>).</param>
/// <param name="MaxInstructionsPerFde">CFA instructions run for one FDE or CIE (<see cref="CfiError.TooManyInstructions"/>).</param>
/// <param name="MaxStateStackDepth">Nesting of DW_CFA_remember_state (<see cref="CfiError.StateStackOverflow"/>).</param>
/// <param name="MaxAugmentationBytes">Length of a CIE's augmentation string or data (<see cref="CfiError.AugmentationTooLarge"/>).</param>
public sealed record UnwindTableLimits(
    int MaxRows = 4_000_000,
    int MaxSectionBytes = 256 << 20,
    int MaxInstructionsPerFde = 100_000,
    int MaxStateStackDepth = 64,
    int MaxAugmentationBytes = 1024)
{
    /// <summary>The limits used by the agent.</summary>
    public static UnwindTableLimits Default { get; } = new();
}
