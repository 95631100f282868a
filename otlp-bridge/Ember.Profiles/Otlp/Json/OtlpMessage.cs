using System.Text.Json;

namespace Ember.Profiles.Otlp.Json;

/// <summary>
/// One OTLP message type: its fields in field-number order. Messages are created first and their
/// fields defined afterwards, because the schema is recursive (AnyValue contains ArrayValue).
/// </summary>
internal sealed class OtlpMessage
{
    private OtlpField[] _fields = [];
    private OtlpField?[] _byNumber = [];

    public OtlpMessage(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>Fields ordered by number, which is also the order OTLP/JSON output uses.</summary>
    public ReadOnlySpan<OtlpField> Fields => _fields;

    /// <summary>True when the message has a oneof (only AnyValue in this schema).</summary>
    public bool HasOneof { get; private set; }

    public void Define(params OtlpField[] fields)
    {
        var ordered = fields.OrderBy(f => f.Number).ToArray();
        if (ordered.Length > 64)
        {
            // The JSON reader tracks seen fields in a 64-bit mask.
            throw new InvalidOperationException($"{Name}: more than 64 fields");
        }

        _byNumber = new OtlpField?[ordered[^1].Number + 1];
        foreach (var field in ordered)
        {
            _byNumber[field.Number] = field;
        }

        _fields = ordered;
        HasOneof = ordered.Any(f => f.IsOneofMember);
    }

    public OtlpField? FieldByNumber(int number) => (uint)number < (uint)_byNumber.Length ? _byNumber[number] : null;

    /// <summary>Finds the field named by the reader's current property name; returns its index in <see cref="Fields"/>.</summary>
    public int IndexOfField(ref readonly Utf8JsonReader reader)
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            if (_fields[i].NameMatches(in reader))
            {
                return i;
            }
        }

        return -1;
    }

    public override string ToString() => Name;
}
