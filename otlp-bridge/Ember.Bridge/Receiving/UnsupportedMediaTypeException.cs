namespace Ember.Bridge.Receiving;

/// <summary>A request's Content-Type names no decoder the receiver has (415).</summary>
public sealed class UnsupportedMediaTypeException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public UnsupportedMediaTypeException()
        : base("unsupported media type")
    {
    }

    /// <summary>Creates the exception with a message naming the content type.</summary>
    public UnsupportedMediaTypeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public UnsupportedMediaTypeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
