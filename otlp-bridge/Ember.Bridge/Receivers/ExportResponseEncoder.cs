using System.Text;
using System.Text.Json;
using Ember.Bridge.Intake;

namespace Ember.Bridge.Receivers;

/// <summary>
/// Encodes <c>ExportProfilesServiceResponse{partial_success(1){rejected_profiles(1), error_message(2)}}</c>
/// and <c>google.rpc.Status{code(1), message(2)}</c> error bodies, in protobuf or OTLP/JSON. An all-accepted
/// response is the empty message.
/// </summary>
internal static class ExportResponseEncoder
{
    public static byte[] Protobuf(IntakeResult result)
    {
        if (result.Rejected == 0)
        {
            return [];
        }

        var inner = new List<byte> { 0x08 };
        Varint(inner, (ulong)result.Rejected);
        LengthDelimited(inner, 0x12, Encoding.UTF8.GetBytes(result.Message));
        var outer = new List<byte>();
        LengthDelimited(outer, 0x0A, [.. inner]);
        return [.. outer];
    }

    public static byte[] Json(IntakeResult result)
    {
        if (result.Rejected == 0)
        {
            return "{}"u8.ToArray();
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("partialSuccess");

            // OTLP/JSON writes 64-bit integers as decimal strings.
            json.WriteString("rejectedProfiles", result.Rejected.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("errorMessage", result.Message);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>google.rpc.Status with a gRPC status code and a message.</summary>
    public static byte[] StatusProtobuf(int code, string message)
    {
        var body = new List<byte> { 0x08 };
        Varint(body, (ulong)code);
        LengthDelimited(body, 0x12, Encoding.UTF8.GetBytes(message));
        return [.. body];
    }

    public static byte[] StatusJson(int code, string message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("code", code);
            json.WriteString("message", message);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Pyroscope's error body: <c>{"code":"invalid_argument","message":"..."}</c>.</summary>
    public static byte[] PyroscopeError(string code, string message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("code", code);
            json.WriteString("message", message);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void LengthDelimited(List<byte> output, byte tag, byte[] bytes)
    {
        output.Add(tag);
        Varint(output, (ulong)bytes.Length);
        output.AddRange(bytes);
    }

    private static void Varint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }
}
