namespace Ember.Bridge.Configuration;

/// <summary>The flags or the config file are unusable (exit code 2); the message says what to fix.</summary>
public sealed class BridgeConfigurationException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public BridgeConfigurationException()
        : base("invalid configuration")
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    public BridgeConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public BridgeConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
