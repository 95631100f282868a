using System.Globalization;
using System.Text;

namespace Ember.Profiles.Rendering;

/// <summary>Indented, culture-invariant lines for <see cref="TextDump"/>, and its value notations.</summary>
internal sealed class DumpWriter
{
    private readonly StringBuilder _text = new();

    /// <summary>Appends one line indented by two spaces per level.</summary>
    public void Line(int depth, string text) => _text.Append(' ', depth * 2).Append(text).Append('\n');

    /// <inheritdoc />
    public override string ToString() => _text.ToString();

    /// <summary>A string in double quotes with C-style escapes, so every string fits on its line.</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029')
                    {
                        quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        quoted.Append(c);
                    }

                    break;
            }
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>An address or offset: lowercase hex with 0x.</summary>
    public static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>A byte string: lowercase hex inside bytes(...).</summary>
    public static string Bytes(byte[] value) => "bytes(" + Convert.ToHexStringLower(value) + ")";

    /// <summary>A list of numbers as [a b c].</summary>
    public static string Numbers<TNumber>(IEnumerable<TNumber> values)
        where TNumber : IFormattable =>
        "[" + string.Join(' ', values.Select(v => v.ToString(null, CultureInfo.InvariantCulture))) + "]";

    /// <summary>The fields of a function (pprof and OTLP functions have the same four).</summary>
    public static string FunctionFields(string name, string systemName, string fileName, long startLine) =>
        FormattableString.Invariant($"name={Quote(name)} system_name={Quote(systemName)} file={Quote(fileName)} start_line={startLine}");

    /// <summary>A source line: the function (number, name and file) or <c>no_function</c>, then :line:column.</summary>
    public static string SourceLine(string? function, long number, long column) =>
        FormattableString.Invariant($"line {function ?? "no_function"}:{number}:{column}");

    /// <summary>A line as part of a location's content key: the function's rank instead of its number.</summary>
    public static string LineKey(int functionRank, long number, long column) =>
        FormattableString.Invariant($"{functionRank}:{number}:{column}");

    /// <summary>A type/unit pair.</summary>
    public static string ValueType(ProfileValueType? type) =>
        type is null ? "none" : $"type={Quote(type.Type)} unit={Quote(type.Unit)}";
}
