namespace Ember.Symbols.DebugInfo;

/// <summary>A debug-info source failed to answer for a build ID: a failure, not a miss.</summary>
public sealed class DebugInfoFetchException : Exception
{
    public DebugInfoFetchException()
    {
    }

    public DebugInfoFetchException(string message)
        : base(message)
    {
    }

    public DebugInfoFetchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
