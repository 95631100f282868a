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
            return specification.Kind switch
            {
                "file" => FileSink.Create(specification),
                "pyroscope" => Pyroscope.PyroscopeSink.Create(specification, loggerFactory),
                "parca" => Parca.ParcaSink.Create(specification, loggerFactory),
                "otlp" => Otlp.OtlpSink.Create(specification, loggerFactory),
                _ => throw new BridgeConfigurationException($"unknown sink kind {specification.Kind} (--sink {specification.Kind}:{specification.Target}); use file, pyroscope, parca or otlp"),
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
