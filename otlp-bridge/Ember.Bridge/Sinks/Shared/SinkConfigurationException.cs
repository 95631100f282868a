namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// A sink's target or option cannot be used. <see cref="ArgumentException.ParamName"/> names the
/// offending option (or <c>target</c>); the message never contains a secret's value.
/// </summary>
public sealed class SinkConfigurationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public SinkConfigurationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SinkConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error behind it.</summary>
    public SinkConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one option.</summary>
    /// <param name="message">What is wrong with it.</param>
    /// <param name="option">The option key, or <c>target</c>.</param>
    /// <param name="innerException">The parse or I/O error behind it, if any.</param>
    public SinkConfigurationException(string message, string option, Exception? innerException = null)
        : base(message, option, innerException)
    {
    }
}
