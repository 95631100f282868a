namespace Ember.Symbols.Elf;

/// <summary>
/// Thrown when a file is not a well-formed ELF object: bad magic, truncated headers or tables,
/// offsets or counts that point outside the file. The message names what was wrong and where.
/// </summary>
public class ElfFormatException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public ElfFormatException()
        : base("invalid ELF file")
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    public ElfFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause (an I/O error, for instance).</summary>
    public ElfFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
