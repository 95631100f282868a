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
/// the output is deterministic. Canonical protobuf (what encoders write) is written in a single
/// pass; anything else is written field by field with protobuf's rules for repeated occurrences
/// (the last scalar wins, singular messages merge, packed and unpacked lists are both read).
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
            try
            {
                new OtlpJsonWriter(protobuf, json).WriteMessage(root, Body.Of(new Slice(0, protobuf.Length)), depth: 1);
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
        if (body.Count == 1 && IsCanonical(message, body[0]))
        {
            WriteInWireOrder(message, body[0], depth);
        }
        else
        {
            WriteInFieldOrder(message, body, depth);
        }

        _json.WriteEndObject();
    }

    /// <summary>
    /// True when the known fields come in increasing number order, each repeated field in one run,
    /// each singular field and the oneof at most once: what every encoder writes. Such a body
    /// can be written in a single pass.
    /// </summary>
    private readonly bool IsCanonical(OtlpMessage message, Slice slice)
    {
        var reader = Reader(message, slice);
        var (previous, oneofSet) = (0, false);
        while (reader.TryReadTag(out var number, out var wireType))
        {
            if (message.FieldByNumber(number) is { } field)
            {
                if (number < previous || (number == previous && !field.IsRepeated))
                {
                    return false;
                }

                if (field.IsOneofMember)
                {
                    if (oneofSet)
                    {
                        return false;
                    }

                    oneofSet = true;
                }

                previous = number;
            }

            reader.Skip(number, wireType);
        }

        return true;
    }

    private readonly void WriteInWireOrder(OtlpMessage message, Slice slice, int depth)
    {
        var reader = Reader(message, slice);
        OtlpField? openList = null;
        while (reader.TryReadTag(out var number, out var wireType))
        {
            if (message.FieldByNumber(number) is not { } field)
            {
                reader.Skip(number, wireType); // unknown to the schema: JSON cannot carry it
                continue;
            }

            if (openList is not null && openList != field)
            {
                _json.WriteEndArray();
                openList = null;
            }

            if (field.IsRepeated)
            {
                if (openList is null)
                {
                    _json.WritePropertyName(field.EncodedJsonName);
                    _json.WriteStartArray();
                    openList = field;
                }

                WriteElements(ref reader, message, field, wireType, depth);
            }
            else if (field.Kind == OtlpFieldKind.Message)
            {
                reader.Expect(number, wireType, field.WireType);
                var bytes = reader.ReadBytes(out var start);
                _json.WritePropertyName(field.EncodedJsonName);
                WriteMessage(field.MessageType!, Body.Of(new Slice(start, bytes.Length)), depth + 1);
            }
            else
            {
                reader.Expect(number, wireType, field.WireType);
                WriteSingularScalar(field, ReadScalar(ref reader, field));
            }
        }

        if (openList is not null)
        {
            _json.WriteEndArray();
        }
    }

    /// <summary>
    /// Writes any valid protobuf, one field at a time in number order, by rescanning the body
    /// per field and applying protobuf's rules for repeated occurrences.
    /// </summary>
    private readonly void WriteInFieldOrder(OtlpMessage message, Body body, int depth)
    {
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
                WriteLastScalar(message, field, body);
            }
        }
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

    private readonly void WriteLastScalar(OtlpMessage parent, OtlpField field, Body body)
    {
        Scalar? last = null;
        var occurrences = new Occurrences(_input, body, parent.Name, field.Number);
        while (occurrences.MoveNext())
        {
            occurrences.ExpectWireType(field.WireType);
            last = ReadScalar(ref occurrences.Reader, field);
        }

        if (last is { } value)
        {
            WriteSingularScalar(field, value);
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

            WriteElements(ref occurrences.Reader, parent, field, occurrences.WireType, depth);
        }

        if (started)
        {
            _json.WriteEndArray();
        }
    }

    /// <summary>Writes the array elements one occurrence of a repeated field holds: one, or a packed run.</summary>
    private readonly void WriteElements(ref ProtoReader reader, OtlpMessage parent, OtlpField field, WireType wireType, int depth)
    {
        if (field.IsPackable && wireType == WireType.LengthDelimited)
        {
            var packed = reader.ReadMessage(parent.Name);
            while (!packed.End)
            {
                WriteRaw(field, ReadRaw(ref packed, field));
            }

            return;
        }

        reader.Expect(field.Number, wireType, field.WireType);
        if (field.Kind == OtlpFieldKind.Message)
        {
            var bytes = reader.ReadBytes(out var start);
            WriteMessage(field.MessageType!, Body.Of(new Slice(start, bytes.Length)), depth + 1);
        }
        else
        {
            WriteScalarValue(field, ReadScalar(ref reader, field));
        }
    }

    private static Scalar ReadScalar(ref ProtoReader reader, OtlpField field)
    {
        if (field.WireType != WireType.LengthDelimited)
        {
            return new Scalar(ReadRaw(ref reader, field), default);
        }

        var bytes = reader.ReadBytes(out var start);
        return new Scalar(0, new Slice(start, bytes.Length));
    }

    /// <summary>Writes a singular scalar field; defaults are omitted except in a oneof, where being set is itself information.</summary>
    private readonly void WriteSingularScalar(OtlpField field, Scalar value)
    {
        var isDefault = field.WireType == WireType.LengthDelimited ? value.Bytes.Length == 0 : value.Raw == 0;
        if (!isDefault || field.IsOneofMember)
        {
            _json.WritePropertyName(field.EncodedJsonName);
            WriteScalarValue(field, value);
        }
    }

    private readonly void WriteScalarValue(OtlpField field, Scalar value)
    {
        if (field.WireType == WireType.LengthDelimited)
        {
            WriteBytesOrString(field, value.Bytes);
        }
        else
        {
            WriteRaw(field, value.Raw);
        }
    }

    private readonly ProtoReader Reader(OtlpMessage message, Slice slice) =>
        new(_input.Slice(slice.Start, slice.Length), slice.Start, message.Name);

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

    /// <summary>A scalar field's value: its wire bits, or for strings and bytes where its bytes are.</summary>
    private readonly record struct Scalar(ulong Raw, Slice Bytes);

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

        public static Body Of(Slice slice)
        {
            var body = default(Body);
            body.Add(slice);
            return body;
        }

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
