namespace Ember.Agent.Export;

/// <summary>An export setting (flag or OTEL_EXPORTER_OTLP_* variable) that cannot be used.</summary>
public sealed class OtlpConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OtlpConfigurationException()
    {
    }

    /// <summary>Creates the exception with a message naming the setting and its value.</summary>
    public OtlpConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the parse error behind it.</summary>
    public OtlpConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
