namespace Ember.Profiles;

/// <summary>
/// Thrown when profile bytes or text are malformed, truncated, oversized or refer to table entries
/// that do not exist. The message names what was wrong and, for binary input, the byte offset.
/// </summary>
public sealed class ProfileFormatException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public ProfileFormatException()
        : base("invalid profile")
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    public ProfileFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public ProfileFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
