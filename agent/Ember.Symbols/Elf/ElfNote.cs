namespace Ember.Symbols.Elf;

/// <summary>One ELF note (from a <c>PT_NOTE</c> segment or <c>SHT_NOTE</c> section).</summary>
/// <param name="Name">Owner name without its terminating NUL, e.g. <c>GNU</c> or <c>Go</c>.</param>
/// <param name="Type">Owner-specific note type.</param>
/// <param name="Descriptor">The note's payload.</param>
public sealed record ElfNote(string Name, uint Type, ReadOnlyMemory<byte> Descriptor)
{
    /// <summary>Note type of a GNU build ID (owner <c>GNU</c>).</summary>
    public const uint GnuBuildIdType = 3;

    /// <summary>Note type of a Go build ID (owner <c>Go</c>, section <c>.note.go.buildid</c>).</summary>
    public const uint GoBuildIdType = 4;
}
