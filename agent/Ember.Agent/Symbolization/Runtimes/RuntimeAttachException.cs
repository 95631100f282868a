namespace Ember.Agent.Symbolization.Runtimes;

/// <summary>A running runtime could not be asked to do something (write its perf map): the reason, and the I/O error when there was one.</summary>
public sealed class RuntimeAttachException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public RuntimeAttachException()
        : base("the runtime could not be reached")
    {
    }

    /// <summary>Creates the exception with its reason.</summary>
    public RuntimeAttachException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public RuntimeAttachException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
