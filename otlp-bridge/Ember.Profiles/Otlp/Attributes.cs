using System.Globalization;

namespace Ember.Profiles.Otlp;

/// <summary>An attribute with an optional unit (KeyValueAndUnit); the unit is empty when implicit.</summary>
public sealed record KeyValueAndUnit(string Key, AnyValue Value, string Unit = "")
{
    /// <summary>A string attribute.</summary>
    public static KeyValueAndUnit String(string key, string value) => new(key, AnyValue.String(value));
}

/// <summary>A key/value pair (resource and scope attributes, kvlist members).</summary>
public sealed record KeyValue(string Key, AnyValue Value);

/// <summary>What an <see cref="AnyValue"/> holds.</summary>
public enum AnyValueKind
{
    /// <summary>No value set.</summary>
    None,

    /// <summary>A string.</summary>
    String,

    /// <summary>A boolean.</summary>
    Bool,

    /// <summary>A signed 64-bit integer.</summary>
    Int,

    /// <summary>A double.</summary>
    Double,

    /// <summary>An array of values.</summary>
    Array,

    /// <summary>A list of key/value pairs.</summary>
    KeyValueList,

    /// <summary>Raw bytes.</summary>
    Bytes,
}

/// <summary>An OTLP AnyValue. <c>string_value_strindex</c> is resolved to <see cref="AnyValueKind.String"/> on read.</summary>
public sealed class AnyValue : IEquatable<AnyValue>
{
    private AnyValue(AnyValueKind kind, string? text = null, long integer = 0, double real = 0,
        IReadOnlyList<AnyValue>? array = null, IReadOnlyList<KeyValue>? list = null, byte[]? bytes = null)
    {
        Kind = kind;
        StringValue = text;
        IntValue = integer;
        DoubleValue = real;
        ArrayValue = array;
        KeyValueListValue = list;
        BytesValue = bytes;
    }

    /// <summary>The empty value.</summary>
    public static AnyValue None { get; } = new(AnyValueKind.None);

    /// <summary>What the value holds.</summary>
    public AnyValueKind Kind { get; }

    /// <summary>The string, for <see cref="AnyValueKind.String"/>.</summary>
    public string? StringValue { get; }

    /// <summary>The integer, for <see cref="AnyValueKind.Int"/> (and 0/1 for <see cref="AnyValueKind.Bool"/>).</summary>
    public long IntValue { get; }

    /// <summary>The boolean, for <see cref="AnyValueKind.Bool"/>.</summary>
    public bool BoolValue => Kind == AnyValueKind.Bool && IntValue != 0;

    /// <summary>The double, for <see cref="AnyValueKind.Double"/>.</summary>
    public double DoubleValue { get; }

    /// <summary>The elements, for <see cref="AnyValueKind.Array"/>.</summary>
    public IReadOnlyList<AnyValue>? ArrayValue { get; }

    /// <summary>The pairs, for <see cref="AnyValueKind.KeyValueList"/>.</summary>
    public IReadOnlyList<KeyValue>? KeyValueListValue { get; }

    /// <summary>The bytes, for <see cref="AnyValueKind.Bytes"/>.</summary>
    public byte[]? BytesValue { get; }

    /// <summary>A string value.</summary>
    public static AnyValue String(string value) => new(AnyValueKind.String, text: value);

    /// <summary>A boolean value.</summary>
    public static AnyValue Bool(bool value) => new(AnyValueKind.Bool, integer: value ? 1 : 0);

    /// <summary>An integer value.</summary>
    public static AnyValue Int(long value) => new(AnyValueKind.Int, integer: value);

    /// <summary>A double value.</summary>
    public static AnyValue Double(double value) => new(AnyValueKind.Double, real: value);

    /// <summary>An array value.</summary>
    public static AnyValue Array(IReadOnlyList<AnyValue> values) => new(AnyValueKind.Array, array: values);

    /// <summary>A key/value list value.</summary>
    public static AnyValue KeyValueList(IReadOnlyList<KeyValue> values) => new(AnyValueKind.KeyValueList, list: values);

    /// <summary>A bytes value.</summary>
    public static AnyValue Bytes(byte[] value) => new(AnyValueKind.Bytes, bytes: value);

    /// <summary>Renders the value as text (strings as is, arrays as [a, b], bytes as hex).</summary>
    public override string ToString() => Kind switch
    {
        AnyValueKind.None => string.Empty,
        AnyValueKind.String => StringValue!,
        AnyValueKind.Bool => BoolValue ? "true" : "false",
        AnyValueKind.Int => IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValueKind.Double => DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValueKind.Array => "[" + string.Join(", ", ArrayValue!) + "]",
        AnyValueKind.KeyValueList => "{" + string.Join(", ", KeyValueListValue!.Select(kv => $"{kv.Key}={kv.Value}")) + "}",
        AnyValueKind.Bytes => Convert.ToHexStringLower(BytesValue!),
        _ => string.Empty,
    };

    /// <inheritdoc />
    public bool Equals(AnyValue? other)
    {
        if (other is null || other.Kind != Kind)
        {
            return false;
        }

        return Kind switch
        {
            AnyValueKind.String => StringValue == other.StringValue,
            AnyValueKind.Bool or AnyValueKind.Int => IntValue == other.IntValue,
            AnyValueKind.Double => DoubleValue.Equals(other.DoubleValue),
            AnyValueKind.Array => ArrayValue!.SequenceEqual(other.ArrayValue!),
            AnyValueKind.KeyValueList => KeyValueListValue!.SequenceEqual(other.KeyValueListValue!),
            AnyValueKind.Bytes => BytesValue.AsSpan().SequenceEqual(other.BytesValue),
            _ => true,
        };
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AnyValue);

    /// <inheritdoc />
    public override int GetHashCode() => Kind switch
    {
        AnyValueKind.String => HashCode.Combine(Kind, StringValue),
        AnyValueKind.Bool or AnyValueKind.Int => HashCode.Combine(Kind, IntValue),
        AnyValueKind.Double => HashCode.Combine(Kind, DoubleValue),
        _ => HashCode.Combine(Kind, ToString()),
    };
}
