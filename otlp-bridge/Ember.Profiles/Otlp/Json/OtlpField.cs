using System.Text;
using System.Text.Json;
using Ember.Profiles.Protobuf;

namespace Ember.Profiles.Otlp.Json;

/// <summary>One field of an OTLP message: its wire number, its two JSON spellings and its type.</summary>
internal sealed class OtlpField
{
    private readonly byte[] _jsonNameUtf8;
    private readonly byte[]? _protoNameUtf8; // null when it equals the JSON name

    public OtlpField(int number, string protoName, OtlpFieldKind kind, bool isRepeated = false, OtlpMessage? messageType = null)
    {
        Number = number;
        ProtoName = protoName;
        JsonName = ToLowerCamelCase(protoName);
        Kind = kind;
        IsRepeated = isRepeated;
        MessageType = messageType;
        EncodedJsonName = JsonEncodedText.Encode(JsonName);
        _jsonNameUtf8 = Encoding.UTF8.GetBytes(JsonName);
        _protoNameUtf8 = protoName == JsonName ? null : Encoding.UTF8.GetBytes(protoName);
    }

    public int Number { get; }

    /// <summary>The name in the .proto file (snake_case), accepted on read.</summary>
    public string ProtoName { get; }

    /// <summary>The lowerCamelCase name OTLP/JSON writes.</summary>
    public string JsonName { get; }

    public JsonEncodedText EncodedJsonName { get; }

    public OtlpFieldKind Kind { get; }

    public bool IsRepeated { get; }

    /// <summary>The type of an embedded message field; null for scalars.</summary>
    public OtlpMessage? MessageType { get; }

    /// <summary>Bytes written as hex instead of base64 (trace, span and profile ids).</summary>
    public bool IsHex { get; private init; }

    /// <summary>Member of the message's oneof: present even when it holds the default value.</summary>
    public bool IsOneofMember { get; private init; }

    /// <summary>Repeated numeric and bool fields travel packed.</summary>
    public bool IsPackable => Kind is not (OtlpFieldKind.String or OtlpFieldKind.Bytes or OtlpFieldKind.Message);

    public WireType WireType => Kind switch
    {
        OtlpFieldKind.Fixed64 or OtlpFieldKind.Double => WireType.Fixed64,
        OtlpFieldKind.String or OtlpFieldKind.Bytes or OtlpFieldKind.Message => WireType.LengthDelimited,
        _ => WireType.Varint,
    };

    public OtlpField AsHex() => new(Number, ProtoName, Kind, IsRepeated, MessageType) { IsHex = true };

    public OtlpField AsOneofMember() => new(Number, ProtoName, Kind, IsRepeated, MessageType) { IsOneofMember = true };

    /// <summary>True when the current property name of the reader is this field's JSON or proto name.</summary>
    public bool NameMatches(ref readonly Utf8JsonReader reader) =>
        reader.ValueTextEquals(_jsonNameUtf8) || (_protoNameUtf8 is not null && reader.ValueTextEquals(_protoNameUtf8));

    /// <summary>protoc's json_name rule: drop each underscore and upper-case the letter after it.</summary>
    private static string ToLowerCamelCase(string protoName)
    {
        var builder = new StringBuilder(protoName.Length);
        var upperNext = false;
        foreach (var c in protoName)
        {
            if (c == '_')
            {
                upperNext = true;
            }
            else
            {
                builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
                upperNext = false;
            }
        }

        return builder.ToString();
    }
}
