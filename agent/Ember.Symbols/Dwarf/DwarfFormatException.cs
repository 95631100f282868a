namespace Ember.Symbols.Dwarf;

/// <summary>DWARF debug information that cannot be read: truncated, of an unknown version, or beyond a limit.</summary>
public sealed class DwarfFormatException : Exception
{
    public DwarfFormatException()
    {
    }

    public DwarfFormatException(string message)
        : base(message)
    {
    }

    public DwarfFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
