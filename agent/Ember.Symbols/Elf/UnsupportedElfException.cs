namespace Ember.Symbols.Elf;

/// <summary>
/// Thrown for well-formed ELF variants this reader does not handle: 32-bit objects and big-endian
/// byte order. It derives from <see cref="ElfFormatException"/> so one catch covers every file the
/// symbolizer cannot use.
/// </summary>
public sealed class UnsupportedElfException : ElfFormatException
{
    /// <summary>Creates the exception with no detail.</summary>
    public UnsupportedElfException()
        : base("unsupported ELF variant")
    {
    }

    /// <summary>Creates the exception with a message naming the unsupported variant.</summary>
    public UnsupportedElfException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public UnsupportedElfException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
