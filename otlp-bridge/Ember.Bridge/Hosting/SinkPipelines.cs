using Ember.Bridge.Configuration;
using Ember.Bridge.Delivery;
using Ember.Bridge.Sinks;
using Ember.Bridge.Spooling;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Hosting;

/// <summary>The running sinks with their spools (<c>SPOOL/SINK-NAME/</c>); owns and closes the spools, not the sinks.</summary>
internal sealed class SinkPipelines : IDisposable
{
    private SinkPipelines(IReadOnlyList<SinkPipeline> all) => All = all;

    /// <summary>One pipeline per sink, in configuration order.</summary>
    public IReadOnlyList<SinkPipeline> All { get; }

    /// <summary>Opens (and repairs) each sink's spool.</summary>
    /// <exception cref="BridgeConfigurationException">A spool directory cannot be created or read.</exception>
    public static SinkPipelines Open(BridgeSettings settings, IReadOnlyList<IProfileSink> sinks, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger<DurableSpool>();
        var opened = new List<SinkPipeline>();
        try
        {
            foreach (var sink in sinks)
            {
                opened.Add(new SinkPipeline(sink, DurableSpool.Open(Path.Combine(settings.SpoolDirectory, sink.Name), settings.SpoolMaxBytes, logger)));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            foreach (var pipeline in opened)
            {
                pipeline.Spool.Dispose();
            }

            throw new BridgeConfigurationException($"--spool {settings.SpoolDirectory}: {ex.Message}", ex);
        }

        return new SinkPipelines(opened);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var pipeline in All)
        {
            pipeline.Spool.Dispose();
        }
    }
}
