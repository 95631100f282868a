namespace Ember.Otlp;

/// <summary>Creates the exporter for the options' protocol.</summary>
public static class OtlpExporter
{
    /// <summary>The exporter for <see cref="OtlpExportOptions.Protocol"/>; nothing connects before the first export.</summary>
    /// <param name="options">Endpoint, protocol, headers, compression, timeout and handler.</param>
    /// <param name="time">The clock for Retry-After HTTP-dates; the system clock when null.</param>
    public static IOtlpExporter Create(OtlpExportOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Protocol == OtlpProtocol.Grpc ? new OtlpGrpcExporter(options) : new OtlpHttpExporter(options, time ?? TimeProvider.System);
    }
}
