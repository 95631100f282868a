namespace Ember.PowerShell.Backends;

/// <summary>A profile store (Pyroscope, Parca) refused a request or could not be reached.</summary>
public sealed class ProfileStoreException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public ProfileStoreException()
        : base("the profile store request failed")
    {
    }

    /// <summary>Creates the exception with a message naming the store and the reason.</summary>
    public ProfileStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public ProfileStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether the store could not be reached at all (as opposed to refusing the request).</summary>
    public bool IsUnreachable { get; init; }
}
