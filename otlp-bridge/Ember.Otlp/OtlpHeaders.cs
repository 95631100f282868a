namespace Ember.Otlp;

/// <summary>
/// Header lists as OTEL_EXPORTER_OTLP_HEADERS writes them: <c>name=value</c> pairs separated by
/// commas, names and values percent-decoded (W3C baggage style). Values may be secrets (API keys):
/// error messages name a pair's position, never its text.
/// </summary>
public static class OtlpHeaders
{
    /// <summary>Parses the list; empty or blank text is no headers.</summary>
    /// <exception cref="FormatException">A pair has no '=' or its name is not an HTTP token.</exception>
    public static List<KeyValuePair<string, string>> Parse(string? text)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return result;
        }

        var position = 0;
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            position++;
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? Uri.UnescapeDataString(pair[..equals].Trim()) : "";
            if (name.Length == 0 || !name.All(IsTokenCharacter))
            {
                throw new FormatException($"header {position} is not name=value with a valid header name");
            }

            result.Add(new(name, Uri.UnescapeDataString(pair[(equals + 1)..].Trim())));
        }

        return result;
    }

    /// <summary>RFC 9110 token characters, the only ones a header name (and gRPC metadata key) may use.</summary>
    private static bool IsTokenCharacter(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
