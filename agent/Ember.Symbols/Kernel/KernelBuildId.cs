using Ember.Symbols.Elf;

namespace Ember.Symbols.Kernel;

/// <summary>The running kernel's GNU build ID, read from the notes the kernel exports in <c>/sys/kernel/notes</c>.</summary>
public static class KernelBuildId
{
    /// <summary>The build ID as lowercase hex, or null when the notes are unreadable or carry none.</summary>
    public static string? Read(string notesPath = "/sys/kernel/notes")
    {
        try
        {
            foreach (var note in ElfFile.ParseNoteBytes(File.ReadAllBytes(notesPath), notesPath))
            {
                if (note.Name == "GNU" && note.Type == ElfNote.GnuBuildIdType && note.Descriptor.Length > 0)
                {
                    return Convert.ToHexStringLower(note.Descriptor.Span);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ElfFormatException)
        {
            // No notes: the kernel mapping simply has no GNU build ID.
        }

        return null;
    }
}
