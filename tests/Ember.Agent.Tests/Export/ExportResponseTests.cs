using Ember.Agent.Export;

namespace Ember.Agent.Tests.Export;

public sealed class ExportResponseTests
{
    [Fact]
    public void An_empty_response_rejected_nothing()
    {
        Assert.Equal(ExportResponse.Empty, ExportResponse.Decode([]));
    }

    [Fact]
    public void Partial_success_yields_the_rejected_count_and_message()
    {
        var response = ExportResponse.Decode(FakeOtlpCollector.EncodePartialSuccess(300, "too old"));

        Assert.Equal(new ExportResponse(300, "too old"), response);
    }

    [Fact]
    public void Unknown_fields_around_partial_success_are_skipped()
    {
        byte[] unknown = [0x18, 0x96, 0x01, 0x25, 1, 2, 3, 4, 0x2A, 0x02, 0xAB, 0xCD];
        var response = ExportResponse.Decode([.. unknown, .. FakeOtlpCollector.EncodePartialSuccess(2, "x"), .. unknown]);

        Assert.Equal(new ExportResponse(2, "x"), response);
    }

    [Fact]
    public void A_truncated_response_is_a_format_error()
    {
        var bytes = FakeOtlpCollector.EncodePartialSuccess(2, "message");

        Assert.Throws<FormatException>(() => ExportResponse.Decode(bytes.AsSpan(0, bytes.Length - 3)));
    }
}
