namespace Ember.Bridge.Sinks.Otlp;

/// <summary>
/// The <c>headers</c> option: <c>name=value</c> pairs separated by commas, values percent-decoded,
/// as in <c>OTEL_EXPORTER_OTLP_HEADERS</c>. Values may be secrets (API keys): they are never logged
/// and never appear in error messages.
/// </summary>
public static class OtlpHeaders
{
    /// <summary>Parses the option.</summary>
    /// <exception cref="FormatException">A pair has no '=' or its name is not an HTTP token; the message names the pair's position, not its value.</exception>
    public static List<KeyValuePair<string, string>> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<KeyValuePair<string, string>>();
        var position = 0;
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            position++;
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? pair[..equals].Trim() : "";
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                throw new FormatException($"header {position} is not name=value with a valid header name");
            }

            result.Add(new(name, Uri.UnescapeDataString(pair[(equals + 1)..].Trim())));
        }

        return result;
    }

    /// <summary>RFC 9110 token characters.</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
