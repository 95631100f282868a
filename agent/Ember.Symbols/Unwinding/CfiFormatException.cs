namespace Ember.Symbols.Unwinding;

/// <summary>
/// Thrown when an ELF file's <c>.eh_frame</c> or <c>.debug_frame</c> cannot be compiled into an
/// <see cref="UnwindTable"/>. <see cref="Error"/> says why; the message says where.
/// </summary>
public sealed class CfiFormatException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public CfiFormatException()
        : base("invalid call-frame information")
    {
    }

    /// <summary>Creates the exception with a message and no error class (<see cref="CfiError.Truncated"/>).</summary>
    public CfiFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message, keeping the lower-level cause.</summary>
    public CfiFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with its error class and a message naming the problem and where.</summary>
    public CfiFormatException(CfiError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Creates the exception with its error class, keeping the lower-level cause.</summary>
    public CfiFormatException(CfiError error, string message, Exception innerException)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>Why the information was rejected.</summary>
    public CfiError Error { get; }
}
