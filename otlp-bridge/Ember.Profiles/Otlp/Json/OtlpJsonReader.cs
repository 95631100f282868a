using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Ember.Profiles.Protobuf;

namespace Ember.Profiles.Otlp.Json;

/// <summary>
/// Reads OTLP/JSON with a <see cref="Utf8JsonReader"/> over the whole buffer and writes the same
/// message as protobuf, driven by <see cref="OtlpSchema"/>. Every problem becomes a
/// <see cref="ProfileFormatException"/> naming the JSON path.
/// </summary>
internal sealed class OtlpJsonReader
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private readonly ProtoWriter _output;
    private readonly ProfileReadLimits _limits;
    private readonly JsonPath _path = new();

    // Unescaped or decoded string values; grows to the longest value seen, so it is bounded by the input.
    private byte[] _scratch = new byte[256];

    private OtlpJsonReader(int inputLength, ProfileReadLimits limits)
    {
        // Protobuf is usually well under half the size of the equivalent JSON.
        _output = new ProtoWriter(Math.Clamp(inputLength / 2, 256, 1 << 20));
        _limits = limits;
    }

    public static byte[] Transcode(ReadOnlySpan<byte> utf8Json, OtlpMessage root, ProfileReadLimits limits)
    {
        if (utf8Json.StartsWith(Utf8Bom))
        {
            utf8Json = utf8Json[Utf8Bom.Length..]; // RFC 8259 lets parsers ignore a byte order mark
        }

        var transcoder = new OtlpJsonReader(utf8Json.Length, limits);
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions
        {
            // Each message level takes an object and an array level; our own depth check fires first.
            MaxDepth = (int)Math.Min(int.MaxValue, (2L * limits.MaxNestingDepth) + 2),
            CommentHandling = JsonCommentHandling.Disallow,
        });

        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw transcoder.Error($"expected a JSON object for {root.Name}, got {Describe(reader.TokenType)}");
            }

            transcoder.ReadMessage(ref reader, root, depth: 1);
            reader.Read(); // throws if anything but whitespace follows the root object
        }
        catch (JsonException ex)
        {
            throw new ProfileFormatException($"malformed JSON at {transcoder._path}: {ex.Message}", ex);
        }

        return transcoder._output.ToArray();
    }

    /// <summary>Reads one JSON object (the reader is on its StartObject) as the body of <paramref name="message"/>.</summary>
    private void ReadMessage(ref Utf8JsonReader reader, OtlpMessage message, int depth)
    {
        if (depth > _limits.MaxNestingDepth)
        {
            throw Error($"messages nested deeper than {_limits.MaxNestingDepth} levels");
        }

        var fields = message.Fields;
        ulong seen = 0;
        OtlpField? oneofChoice = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = message.IndexOfField(in reader);
            reader.Read();
            if (index < 0)
            {
                reader.Skip(); // unknown field: receivers must ignore it
                continue;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                continue; // null means absent
            }

            var field = fields[index];
            _path.Push(field.JsonName);
            if ((seen & (1UL << index)) != 0)
            {
                throw Error("the field occurs more than once");
            }

            seen |= 1UL << index;
            if (field.IsOneofMember)
            {
                if (oneofChoice is not null)
                {
                    throw Error($"{message.Name} holds only one value but also has '{oneofChoice.JsonName}'");
                }

                oneofChoice = field;
            }

            if (field.IsRepeated)
            {
                ReadRepeated(ref reader, field, depth);
            }
            else
            {
                ReadSingular(ref reader, field, depth);
            }

            _path.Pop();
            CheckOutputSize();
        }
    }

    private void ReadSingular(ref Utf8JsonReader reader, OtlpField field, int depth)
    {
        switch (field.Kind)
        {
            case OtlpFieldKind.Message:
                ReadEmbeddedMessage(ref reader, field, depth);
                break;
            case OtlpFieldKind.String or OtlpFieldKind.Bytes:
                var bytes = field.Kind == OtlpFieldKind.String ? ReadString(ref reader) : ReadBytes(ref reader, field);
                if (field.IsOneofMember || !bytes.IsEmpty)
                {
                    _output.BytesAlways(field.Number, bytes); // a string is its UTF-8 bytes on the wire
                }

                break;
            default:
                var raw = ReadScalar(ref reader, field);
                if (field.IsOneofMember || raw != 0)
                {
                    _output.Tag(field.Number, field.WireType);
                    WriteScalar(field, raw);
                }

                break;
        }
    }

    private void ReadRepeated(ref Utf8JsonReader reader, OtlpField field, int depth)
    {
        Expect(ref reader, JsonTokenType.StartArray, "an array");
        if (field.IsPackable)
        {
            // A copy of the reader peeks whether the list is empty: an empty packed field is not written.
            var peek = reader;
            peek.Read();
            if (peek.TokenType == JsonTokenType.EndArray)
            {
                reader.Read();
                return;
            }

            var start = _output.BeginMessage(field.Number);
            ReadElements(ref reader, field, depth);
            _output.EndMessage(start);
        }
        else
        {
            ReadElements(ref reader, field, depth);
        }
    }

    private void ReadElements(ref Utf8JsonReader reader, OtlpField field, int depth)
    {
        for (var count = 0; ; count++)
        {
            _path.SetIndex(count); // before reading, so that a syntax error names the element it is in
            if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            if (count == _limits.MaxTableEntries)
            {
                throw Error($"more than {_limits.MaxTableEntries} elements");
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                throw Error("null is not allowed in a list");
            }

            switch (field.Kind)
            {
                case OtlpFieldKind.Message:
                    ReadEmbeddedMessage(ref reader, field, depth);
                    break;
                case OtlpFieldKind.String:
                    _output.BytesAlways(field.Number, ReadString(ref reader));
                    break;
                case OtlpFieldKind.Bytes:
                    _output.BytesAlways(field.Number, ReadBytes(ref reader, field));
                    break;
                default:
                    WriteScalar(field, ReadScalar(ref reader, field)); // inside the packed body: values only
                    break;
            }

            CheckOutputSize();
        }
    }

    private void ReadEmbeddedMessage(ref Utf8JsonReader reader, OtlpField field, int depth)
    {
        Expect(ref reader, JsonTokenType.StartObject, "an object");
        var start = _output.BeginMessage(field.Number);
        ReadMessage(ref reader, field.MessageType!, depth + 1);
        _output.EndMessage(start);
    }

    /// <summary>Reads a numeric or bool value as its wire bits (varint value, or fixed64 bits).</summary>
    private ulong ReadScalar(ref Utf8JsonReader reader, OtlpField field)
    {
        switch (field.Kind)
        {
            case OtlpFieldKind.Bool:
                return reader.TokenType switch
                {
                    JsonTokenType.True => 1,
                    JsonTokenType.False => 0,
                    _ => throw Error($"expected true or false, got {Describe(reader.TokenType)}"),
                };
            case OtlpFieldKind.Double:
                return BitConverter.DoubleToUInt64Bits(ReadDouble(ref reader));
            default:
                var value = ReadInteger(ref reader, field.Kind);
                return field.Kind is OtlpFieldKind.UInt64 or OtlpFieldKind.Fixed64 ? (ulong)value : (ulong)(long)value;
        }
    }

    /// <summary>Integers may be numbers or numeric strings (OTLP/JSON writes 64-bit values as strings).</summary>
    private Int128 ReadInteger(ref Utf8JsonReader reader, OtlpFieldKind kind)
    {
        var text = reader.TokenType switch
        {
            JsonTokenType.Number => reader.ValueSpan,
            JsonTokenType.String => Unescape(ref reader),
            _ => throw Error($"expected an integer, got {Describe(reader.TokenType)}"),
        };

        var (min, max, typeName) = kind switch
        {
            OtlpFieldKind.Int32 => ((Int128)int.MinValue, (Int128)int.MaxValue, "int32"),
            OtlpFieldKind.UInt32 => (Int128.Zero, (Int128)uint.MaxValue, "uint32"),
            OtlpFieldKind.Int64 => ((Int128)long.MinValue, (Int128)long.MaxValue, "int64"),
            OtlpFieldKind.UInt64 => (Int128.Zero, (Int128)ulong.MaxValue, "uint64"),
            _ => (Int128.Zero, (Int128)ulong.MaxValue, "fixed64"),
        };

        var status = JsonInteger.TryParse(text, out var value);
        if (status == JsonIntegerStatus.Ok && (value < min || value > max))
        {
            status = JsonIntegerStatus.OutOfRange;
        }

        return status switch
        {
            JsonIntegerStatus.Ok => value,
            JsonIntegerStatus.NotIntegral => throw Error($"{Quote(text)} is not an integer"),
            JsonIntegerStatus.OutOfRange => throw Error($"{Quote(text)} is out of range for {typeName}"),
            _ => throw Error($"{Quote(text)} is not a number"),
        };
    }

    /// <summary>Doubles may be numbers, numeric strings, or the strings "NaN", "Infinity" and "-Infinity".</summary>
    private double ReadDouble(ref Utf8JsonReader reader)
    {
        var text = reader.TokenType switch
        {
            JsonTokenType.Number => reader.ValueSpan,
            JsonTokenType.String => Unescape(ref reader),
            _ => throw Error($"expected a number, got {Describe(reader.TokenType)}"),
        };

        if (reader.TokenType == JsonTokenType.String)
        {
            if (text.SequenceEqual("NaN"u8))
            {
                return double.NaN;
            }

            if (text.SequenceEqual("Infinity"u8))
            {
                return double.PositiveInfinity;
            }

            if (text.SequenceEqual("-Infinity"u8))
            {
                return double.NegativeInfinity;
            }
        }

        const NumberStyles JsonNumber = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (!double.TryParse(text, JsonNumber, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Error($"{Quote(text)} is not a finite double");
        }

        return value;
    }

    private ReadOnlySpan<byte> ReadString(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.String, "a string");
        var text = Unescape(ref reader);
        if (!Utf8.IsValid(text))
        {
            throw Error("the string is not valid UTF-8");
        }

        return text;
    }

    /// <summary>Decodes base64 (standard or URL-safe, padding optional) or, for ids, hex of either case.</summary>
    private ReadOnlySpan<byte> ReadBytes(ref Utf8JsonReader reader, OtlpField field)
    {
        Expect(ref reader, JsonTokenType.String, field.IsHex ? "a hex string" : "a base64 string");
        var buffer = CopyToScratch(ref reader);
        return field.IsHex ? DecodeHexInPlace(buffer) : DecodeBase64InPlace(buffer);
    }

    private ReadOnlySpan<byte> DecodeHexInPlace(Span<byte> text)
    {
        if (text.Length % 2 != 0)
        {
            throw Error($"invalid hex: odd number of digits ({text.Length})");
        }

        for (var i = 0; i < text.Length / 2; i++)
        {
            var high = HexDigit(text[2 * i]);
            var low = HexDigit(text[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                throw Error($"invalid hex: {Quote(text)}");
            }

            text[i] = (byte)((high << 4) | low); // i <= 2i, so decoding in place never overwrites unread digits
        }

        return text[..(text.Length / 2)];
    }

    private ReadOnlySpan<byte> DecodeBase64InPlace(Span<byte> text)
    {
        // Map the standard alphabet onto the URL-safe one, whose decoder accepts missing padding.
        foreach (ref var c in text)
        {
            c = c switch
            {
                (byte)'+' => (byte)'-',
                (byte)'/' => (byte)'_',
                _ => c,
            };
        }

        try
        {
            return text[..Base64Url.DecodeFromUtf8InPlace(text)];
        }
        catch (FormatException ex)
        {
            throw new ProfileFormatException($"invalid OTLP/JSON at {_path}: invalid base64", ex);
        }
    }

    /// <summary>The current string token's UTF-8 bytes with JSON escapes resolved.</summary>
    private ReadOnlySpan<byte> Unescape(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped ? CopyToScratch(ref reader) : reader.ValueSpan;

    /// <summary>A writable copy of the current string token, unescaped, for decoding in place.</summary>
    private Span<byte> CopyToScratch(ref Utf8JsonReader reader)
    {
        var buffer = Scratch(reader.ValueSpan.Length); // unescaping never lengthens the text
        if (!reader.ValueIsEscaped)
        {
            reader.ValueSpan.CopyTo(buffer);
            return buffer;
        }

        try
        {
            return buffer[..reader.CopyString(buffer)];
        }
        catch (InvalidOperationException ex)
        {
            // e.g. an escaped lone UTF-16 surrogate such as "\ud800"
            throw new ProfileFormatException($"invalid OTLP/JSON at {_path}: {ex.Message}", ex);
        }
    }

    private Span<byte> Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }

        return _scratch.AsSpan(0, length);
    }

    private void WriteScalar(OtlpField field, ulong raw)
    {
        if (field.WireType == WireType.Fixed64)
        {
            _output.Fixed64(raw);
        }
        else
        {
            _output.Varint(raw);
        }
    }

    private void Expect(ref Utf8JsonReader reader, JsonTokenType token, string what)
    {
        if (reader.TokenType != token)
        {
            throw Error($"expected {what}, got {Describe(reader.TokenType)}");
        }
    }

    private void CheckOutputSize()
    {
        if (_output.Length > _limits.MaxDecompressedBytes)
        {
            throw Error($"the protobuf equivalent exceeds the limit of {_limits.MaxDecompressedBytes} bytes");
        }
    }

    private ProfileFormatException Error(string detail) => new($"invalid OTLP/JSON at {_path}: {detail}");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>The offending text for an error message, shortened and with invalid UTF-8 replaced.</summary>
    private static string Quote(ReadOnlySpan<byte> text)
    {
        const int MaxShown = 40;
        var shown = Encoding.UTF8.GetString(text[..Math.Min(text.Length, MaxShown)]);
        return text.Length > MaxShown ? $"\"{shown}...\"" : $"\"{shown}\"";
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
