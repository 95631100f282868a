namespace Ember.Bridge.Spooling;

/// <summary>A sink's spool has no room for a request; receivers answer 429 / RESOURCE_EXHAUSTED with <see cref="RetryAfter"/>.</summary>
public sealed class SpoolFullException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public SpoolFullException()
        : base("spool full")
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    public SpoolFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public SpoolFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How long the client should wait before sending again.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}
