using Ember.Profiles;

namespace Ember.Bridge.Receivers;

/// <summary>
/// Pyroscope's <c>name</c> query parameter: <c>APP{key=value,key2=value2}</c> (values unquoted, the
/// braces optional). The app name is the service name unless a <c>service_name</c> label overrides it.
/// </summary>
/// <param name="App">The part before <c>{</c>.</param>
/// <param name="Labels">The labels in order.</param>
internal sealed record IngestName(string App, IReadOnlyList<KeyValuePair<string, string>> Labels)
{
    /// <summary>The service name Pyroscope would give the series.</summary>
    public string ServiceName => Labels.FirstOrDefault(l => l.Key == "service_name").Value ?? App;

    /// <summary>Parses the parameter.</summary>
    /// <exception cref="ProfileFormatException">Empty app name, unbalanced braces, or a label that is not key=value.</exception>
    public static IngestName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var brace = text.IndexOf('{', StringComparison.Ordinal);
        var app = (brace < 0 ? text : text[..brace]).Trim();
        if (app.Length == 0)
        {
            throw new ProfileFormatException($"name '{text}' has no application name before the labels");
        }

        var labels = new List<KeyValuePair<string, string>>();
        if (brace < 0)
        {
            return new IngestName(app, labels);
        }

        if (!text.EndsWith('}'))
        {
            throw new ProfileFormatException($"name '{text}': the label set must end with '}}'");
        }

        foreach (var pair in text[(brace + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ProfileFormatException($"name '{text}': label '{pair}' is not key=value");
            }

            labels.Add(new(pair[..equals].Trim(), pair[(equals + 1)..].Trim()));
        }

        return new IngestName(app, labels);
    }
}
