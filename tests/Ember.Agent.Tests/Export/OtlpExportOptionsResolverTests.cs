using Ember.Agent.Export;
using Ember.Otlp;

namespace Ember.Agent.Tests.Export;

public sealed class OtlpExportOptionsResolverTests
{
    private static OtlpExportOptions Resolve(string? endpointFlag, string? protocolFlag, params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return OtlpExportOptionsResolver.Resolve(endpointFlag, protocolFlag, name => environment.GetValueOrDefault(name));
    }

    [Fact]
    public void Without_flags_or_variables_it_exports_gzip_grpc_to_localhost_4317()
    {
        var options = Resolve(null, null);

        Assert.Equal((new Uri("http://localhost:4317"), OtlpProtocol.Grpc, true, TimeSpan.FromSeconds(10)), (options.Endpoint, options.Protocol, options.Gzip, options.Timeout));
        Assert.Empty(options.Headers);
    }

    [Fact]
    public void The_http_default_is_the_profiles_path_on_port_4318()
    {
        Assert.Equal(new Uri("http://localhost:4318/v1development/profiles"), Resolve(null, "http/protobuf").Endpoint);
    }

    [Fact]
    public void Flags_win_over_both_kinds_of_variables()
    {
        var options = Resolve("http://flag:4317", "grpc",
            ("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "http://specific:4318/p"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://generic:4318"),
            ("OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL", "http/protobuf"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));

        Assert.Equal((new Uri("http://flag:4317"), OtlpProtocol.Grpc), (options.Endpoint, options.Protocol));
    }

    [Fact]
    public void The_profiles_variables_win_over_the_generic_ones_and_their_endpoint_is_used_as_is()
    {
        var options = Resolve(null, null,
            ("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "http://specific:9999/custom"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://generic:4318"),
            ("OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL", "http/protobuf"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_PROFILES_HEADERS", "a=specific"), ("OTEL_EXPORTER_OTLP_HEADERS", "a=generic"));

        Assert.Equal((new Uri("http://specific:9999/custom"), OtlpProtocol.HttpProtobuf), (options.Endpoint, options.Protocol));
        Assert.Equal([new("a", "specific")], options.Headers);
    }

    [Theory]
    [InlineData("http/protobuf", "http://generic:4318", "http://generic:4318/v1development/profiles")]
    [InlineData("http/protobuf", "http://generic:4318/", "http://generic:4318/v1development/profiles")]
    [InlineData("grpc", "http://generic:4317", "http://generic:4317/")]
    public void The_generic_endpoint_gets_the_profiles_path_for_http_only(string protocol, string generic, string expected)
    {
        var options = Resolve(null, null, ("OTEL_EXPORTER_OTLP_ENDPOINT", generic), ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol));

        Assert.Equal(new Uri(expected), options.Endpoint);
    }

    [Fact]
    public void Headers_are_comma_separated_pairs_with_url_decoded_values()
    {
        var headers = OtlpExportOptionsResolver.ParseHeaders("authorization=Bearer%20abc%3D%3D, x-tenant = team-a ,,empty=");

        Assert.Equal([new("authorization", "Bearer abc=="), new("x-tenant", "team-a"), new("empty", "")], headers);
    }

    [Theory]
    [InlineData("=value")]
    [InlineData("no-equals-sign")]
    [InlineData("bad%20name=value")]
    public void A_header_without_a_valid_name_is_a_configuration_error(string text)
    {
        Assert.Throws<OtlpConfigurationException>(() => OtlpExportOptionsResolver.ParseHeaders(text));
    }

    [Fact]
    public void Compression_none_and_the_timeout_in_milliseconds_are_honoured()
    {
        var options = Resolve(null, null, ("OTEL_EXPORTER_OTLP_COMPRESSION", "none"), ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"));

        Assert.Equal((false, TimeSpan.FromMilliseconds(2500)), (options.Gzip, options.Timeout));
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]
    [InlineData("OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL", "carrier-pigeon")]
    [InlineData("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd")]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "soon")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317")]
    public void Unusable_variables_are_configuration_errors_naming_the_value(string name, string value)
    {
        var error = Assert.Throws<OtlpConfigurationException>(() => Resolve(null, null, (name, value)));

        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_protocol_flag_is_a_configuration_error()
    {
        Assert.Throws<OtlpConfigurationException>(() => Resolve(null, "http/json"));
    }
}
