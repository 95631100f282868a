namespace Ember.Agent.Configuration;

/// <summary>The agent's configuration is unusable; the message names the file or key and the problem.</summary>
public sealed class AgentConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AgentConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the parser's, binder's or file system's error.</summary>
    public AgentConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
