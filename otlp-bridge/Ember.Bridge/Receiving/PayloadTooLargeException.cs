namespace Ember.Bridge.Receiving;

/// <summary>A request body, or what it decompresses to, is over the configured limit (413 / RESOURCE_EXHAUSTED).</summary>
public sealed class PayloadTooLargeException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public PayloadTooLargeException()
        : base("payload too large")
    {
    }

    /// <summary>Creates the exception with a message naming the limit.</summary>
    public PayloadTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public PayloadTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
