using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Ember.Profiles.Protobuf;

namespace Ember.Profiles.Otlp.Json;

/// <summary>
/// Reads a protobuf message with <see cref="ProtoReader"/> and writes it as OTLP/JSON, driven by
/// <see cref="OtlpSchema"/>. Fields come out in field-number order whatever the wire order, so
/// the output is deterministic; protobuf's rules for repeated occurrences are honoured (last
/// scalar wins, singular messages merge, packed and unpacked lists are both read).
/// </summary>
internal ref struct OtlpJsonWriter
{
    /// <summary>
    /// Deepest message nesting written. Protobuf given to this writer comes from our own encoder,
    /// but the bound keeps recursion (and so the stack) finite whatever the bytes.
    /// </summary>
    public const int MaxDepth = 256;

    private readonly ReadOnlySpan<byte> _input;
    private readonly Utf8JsonWriter _json;

    private OtlpJsonWriter(ReadOnlySpan<byte> input, Utf8JsonWriter json)
    {
        _input = input;
        _json = json;
    }

    public static byte[] Transcode(ReadOnlySpan<byte> protobuf, OtlpMessage root, bool indented)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(256, protobuf.Length * 2));
        var options = new JsonWriterOptions
        {
            Indented = indented,
            NewLine = "\n", // the same bytes on every platform
            MaxDepth = (2 * MaxDepth) + 2,

            // OTLP/JSON is not embedded in HTML, so non-ASCII text and '<', '&', '+' need no escaping.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        using (var json = new Utf8JsonWriter(output, options))
        {
            var body = default(Body);
            body.Add(new Slice(0, protobuf.Length));
            try
            {
                new OtlpJsonWriter(protobuf, json).WriteMessage(root, body, depth: 1);
            }
            catch (ArgumentException ex)
            {
                // Utf8JsonWriter rejects values too large to write (strings over ~166 MB).
                throw new ProfileFormatException($"{root.Name} cannot be written as JSON: {ex.Message}", ex);
            }
        }

        return output.WrittenSpan.ToArray();
    }

    private readonly void WriteMessage(OtlpMessage message, Body body, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ProfileFormatException($"{message.Name}: messages nested deeper than {MaxDepth} levels");
        }

        _json.WriteStartObject();
        var (oneofChoice, oneofStart) = message.HasOneof ? FindOneofChoice(message, body) : (0, 0);
        foreach (var field in message.Fields)
        {
            if (field.IsOneofMember && field.Number != oneofChoice)
            {
                continue;
            }

            if (field.IsRepeated)
            {
                WriteRepeated(message, field, body, depth);
            }
            else if (field.Kind == OtlpFieldKind.Message)
            {
                WriteSingularMessage(message, field, body, depth, field.IsOneofMember ? oneofStart : 0);
            }
            else
            {
                WriteSingularScalar(message, field, body);
            }
        }

        _json.WriteEndObject();
    }

    /// <summary>
    /// The oneof member that is set (the last one on the wire wins) and the offset from which its
    /// occurrences count: occurrences before another member was set were discarded by that member.
    /// </summary>
    private readonly (int Number, int Start) FindOneofChoice(OtlpMessage message, Body body)
    {
        var (choice, start) = (0, 0);
        var occurrences = new Occurrences(_input, body, message.Name, number: 0);
        while (occurrences.MoveNext())
        {
            var field = message.FieldByNumber(occurrences.Number);
            if (field is { IsOneofMember: true } && field.Number != choice)
            {
                (choice, start) = (field.Number, occurrences.TagOffset);
            }

            occurrences.Reader.Skip(occurrences.Number, occurrences.WireType);
        }

        return (choice, start);
    }

    private readonly void WriteSingularMessage(OtlpMessage parent, OtlpField field, Body body, int depth, int fromOffset)
    {
        // Occurrences of a singular message merge, which equals reading their bodies one after another.
        var merged = default(Body);
        var occurrences = new Occurrences(_input, body, parent.Name, field.Number);
        while (occurrences.MoveNext())
        {
            occurrences.ExpectWireType(field.WireType);
            var at = occurrences.TagOffset;
            var bytes = occurrences.Reader.ReadBytes(out var start);
            if (at >= fromOffset)
            {
                merged.Add(new Slice(start, bytes.Length));
            }
        }

        if (merged.Count > 0)
        {
            _json.WritePropertyName(field.EncodedJsonName);
            WriteMessage(field.MessageType!, merged, depth + 1);
        }
    }

    private readonly void WriteSingularScalar(OtlpMessage parent, OtlpField field, Body body)
    {
        // The last occurrence wins.
        var found = false;
        ulong raw = 0;
        var bytes = default(Slice);
        var occurrences = new Occurrences(_input, body, parent.Name, field.Number);
        while (occurrences.MoveNext())
        {
            occurrences.ExpectWireType(field.WireType);
            found = true;
            if (field.WireType == WireType.LengthDelimited)
            {
                var span = occurrences.Reader.ReadBytes(out var start);
                bytes = new Slice(start, span.Length);
            }
            else
            {
                raw = ReadRaw(ref occurrences.Reader, field);
            }
        }

        // Defaults are omitted, except in a oneof, where being set is itself information.
        var isDefault = field.WireType == WireType.LengthDelimited ? bytes.Length == 0 : raw == 0;
        if (!found || (isDefault && !field.IsOneofMember))
        {
            return;
        }

        _json.WritePropertyName(field.EncodedJsonName);
        if (field.WireType == WireType.LengthDelimited)
        {
            WriteBytesOrString(field, bytes);
        }
        else
        {
            WriteRaw(field, raw);
        }
    }

    private readonly void WriteRepeated(OtlpMessage parent, OtlpField field, Body body, int depth)
    {
        var started = false;
        var occurrences = new Occurrences(_input, body, parent.Name, field.Number);
        while (occurrences.MoveNext())
        {
            if (!started)
            {
                _json.WritePropertyName(field.EncodedJsonName);
                _json.WriteStartArray();
                started = true;
            }

            if (field.IsPackable && occurrences.WireType == WireType.LengthDelimited)
            {
                var packed = occurrences.Reader.ReadMessage(parent.Name);
                while (!packed.End)
                {
                    WriteRaw(field, ReadRaw(ref packed, field));
                }

                continue;
            }

            occurrences.ExpectWireType(field.WireType);
            if (field.Kind == OtlpFieldKind.Message)
            {
                var element = default(Body);
                var bytes = occurrences.Reader.ReadBytes(out var start);
                element.Add(new Slice(start, bytes.Length));
                WriteMessage(field.MessageType!, element, depth + 1);
            }
            else if (field.WireType == WireType.LengthDelimited)
            {
                var bytes = occurrences.Reader.ReadBytes(out var start);
                WriteBytesOrString(field, new Slice(start, bytes.Length));
            }
            else
            {
                WriteRaw(field, ReadRaw(ref occurrences.Reader, field));
            }
        }

        if (started)
        {
            _json.WriteEndArray();
        }
    }

    /// <summary>Reads a numeric or bool value as its wire bits, checking 32-bit ranges.</summary>
    private static ulong ReadRaw(ref ProtoReader reader, OtlpField field) => field.Kind switch
    {
        OtlpFieldKind.Int32 => (ulong)(long)reader.ReadInt32(field.Number),
        OtlpFieldKind.UInt32 => reader.ReadUInt32(field.Number),
        OtlpFieldKind.Fixed64 or OtlpFieldKind.Double => reader.ReadFixed64(),
        _ => reader.ReadVarint(),
    };

    private readonly void WriteRaw(OtlpField field, ulong raw)
    {
        switch (field.Kind)
        {
            case OtlpFieldKind.Int32:
                _json.WriteNumberValue((int)(long)raw);
                break;
            case OtlpFieldKind.UInt32:
                _json.WriteNumberValue((uint)raw);
                break;
            case OtlpFieldKind.Bool:
                _json.WriteBooleanValue(raw != 0);
                break;
            case OtlpFieldKind.Double:
                WriteDouble(BitConverter.UInt64BitsToDouble(raw));
                break;
            case OtlpFieldKind.Int64:
                WriteDecimalString((long)raw); // OTLP/JSON: 64-bit integers are strings
                break;
            default:
                WriteDecimalString(raw);
                break;
        }
    }

    private readonly void WriteDecimalString<T>(T value)
        where T : IUtf8SpanFormattable
    {
        Span<byte> digits = stackalloc byte[24];
        value.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
        _json.WriteStringValue(digits[..length]);
    }

    private readonly void WriteDouble(double value)
    {
        if (double.IsFinite(value))
        {
            _json.WriteNumberValue(value);
        }
        else
        {
            // JSON has no literal for these; the protobuf JSON mapping uses strings.
            _json.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private readonly void WriteBytesOrString(OtlpField field, Slice slice)
    {
        var bytes = _input.Slice(slice.Start, slice.Length);
        if (field.Kind == OtlpFieldKind.String)
        {
            if (!Utf8.IsValid(bytes))
            {
                throw new ProfileFormatException($"{field.ProtoName}: invalid UTF-8 in string at offset {slice.Start}");
            }

            _json.WriteStringValue(bytes);
        }
        else if (field.IsHex)
        {
            _json.WriteStringValue(Convert.ToHexStringLower(bytes));
        }
        else
        {
            _json.WriteBase64StringValue(bytes);
        }
    }

    /// <summary>A range of the input.</summary>
    private readonly record struct Slice(int Start, int Length);

    /// <summary>
    /// Where a message's bytes are: one slice of the input, or several when a singular message
    /// field occurs more than once on the wire.
    /// </summary>
    private struct Body
    {
        private Slice _first;
        private List<Slice>? _more;

        public int Count { get; private set; }

        public readonly Slice this[int index] => index == 0 ? _first : _more![index - 1];

        public void Add(Slice slice)
        {
            if (Count == 0)
            {
                _first = slice;
            }
            else
            {
                (_more ??= []).Add(slice);
            }

            Count++;
        }
    }

    /// <summary>
    /// Walks a message body, stopping at each tag of one field number (0: every field) and leaving
    /// <see cref="Reader"/> on its value, which the caller must consume; other fields are skipped.
    /// </summary>
    private ref struct Occurrences
    {
        private readonly ReadOnlySpan<byte> _input;
        private readonly Body _body;
        private readonly string _message;
        private readonly int _number;
        private int _part;
        private ProtoReader _reader;

        public Occurrences(ReadOnlySpan<byte> input, Body body, string message, int number)
        {
            _input = input;
            _body = body;
            _message = message;
            _number = number;
            _part = -1;
        }

        public int Number { get; private set; }

        public WireType WireType { get; private set; }

        /// <summary>Absolute offset of the current tag; grows monotonically through the body.</summary>
        public int TagOffset { get; private set; }

        [UnscopedRef]
        public ref ProtoReader Reader => ref _reader;

        public bool MoveNext()
        {
            while (true)
            {
                if (_part >= 0)
                {
                    var at = _reader.Offset;
                    while (_reader.TryReadTag(out var number, out var wireType))
                    {
                        if (_number == 0 || number == _number)
                        {
                            (Number, WireType, TagOffset) = (number, wireType, at);
                            return true;
                        }

                        _reader.Skip(number, wireType);
                        at = _reader.Offset;
                    }
                }

                if (++_part >= _body.Count)
                {
                    return false;
                }

                var slice = _body[_part];
                _reader = new ProtoReader(_input.Slice(slice.Start, slice.Length), slice.Start, _message);
            }
        }

        public readonly void ExpectWireType(WireType expected) => _reader.Expect(Number, WireType, expected);
    }
}
