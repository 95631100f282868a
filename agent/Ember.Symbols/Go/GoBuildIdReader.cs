using System.Text;
using Ember.Symbols.Elf;

namespace Ember.Symbols.Go;

/// <summary>
/// Finds the Go build ID the way <c>go tool buildid</c> does: the <c>Go</c> note (type 4, section
/// <c>.note.go.buildid</c>), else the <c>\xff Go build ID: "..."\n \xff</c> string the Go linker puts
/// at the start of the text, which survives in binaries whose notes were removed.
/// </summary>
internal static class GoBuildIdReader
{
    // The marker opens the text; a page is enough (go tool buildid reads 32 KiB because it also handles other formats).
    private const int TextScanBytes = 4096;
    // 0xff is not valid UTF-8 on its own, so the markers are spelled as bytes.
    private static readonly byte[] _prefix = [0xff, .. " Go build ID: \""u8];
    private static readonly byte[] _suffix = [.. "\"\n "u8, 0xff];

    public static string? Read(ElfFile elf)
    {
        foreach (var note in elf.Notes)
        {
            if (note.Name == "Go" && note.Type == ElfNote.GoBuildIdType && note.Descriptor.Length > 0)
            {
                return Encoding.UTF8.GetString(note.Descriptor.Span);
            }
        }

        var text = elf.FindSection(".text");
        if (text is not null && text.HasFileContents)
        {
            return FindInText(elf, (long)text.Offset);
        }

        foreach (var segment in elf.ProgramHeaders)
        {
            if (segment.IsExecutableLoad)
            {
                return FindInText(elf, (long)segment.Offset);
            }
        }

        return null;
    }

    private static string? FindInText(ElfFile elf, long offset)
    {
        var buffer = new byte[TextScanBytes];
        var length = elf.ReadAt(offset, buffer);
        var window = buffer.AsSpan(0, length);
        var start = window.IndexOf(_prefix);
        if (start < 0)
        {
            return null;
        }

        var rest = window[(start + _prefix.Length)..];
        var end = rest.IndexOf(_suffix);
        return end <= 0 ? null : Encoding.UTF8.GetString(rest[..end]);
    }
}
