using Ember.Bridge.Configuration;
using Ember.Bridge.Sinks.File;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Sinks;

/// <summary>Builds the sink a <see cref="SinkSpecification"/> describes.</summary>
public static class SinkFactory
{
    /// <summary>Creates one sink.</summary>
    /// <exception cref="BridgeConfigurationException">The kind is unknown or not available, or an option is invalid.</exception>
    public static IProfileSink Create(SinkSpecification specification, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(specification);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        try
        {
            // Pyroscope, Parca and OTLP sinks (issue 4 part B) plug in here: PyroscopeSink.Create,
            // ParcaSink.Create and OtlpSink.Create(specification, loggerFactory).
            return specification.Kind switch
            {
                "file" => FileSink.Create(specification),
                _ => throw new BridgeConfigurationException($"sink kind {specification.Kind} is not available (--sink {specification.Kind}:{specification.Target})"),
            };
        }
        catch (ArgumentException ex)
        {
            throw new BridgeConfigurationException(ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new BridgeConfigurationException($"sink {specification.Name}: {ex.Message}", ex);
        }
    }
}
