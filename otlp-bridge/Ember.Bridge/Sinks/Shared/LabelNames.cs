using System.Text;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// Prometheus label-name rules (<c>[a-zA-Z_][a-zA-Z0-9_]*</c>), which Pyroscope and Parca both apply:
/// dots and every other invalid character become underscores (<c>k8s.pod.name</c> →
/// <c>k8s_pod_name</c>), and a leading digit gets an underscore in front.
/// </summary>
public static class LabelNames
{
    /// <summary>The valid label name for an attribute key; null for an empty key.</summary>
    public static string? Sanitize(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            return null;
        }

        var name = new StringBuilder(key.Length + 1);
        if (char.IsAsciiDigit(key[0]))
        {
            name.Append('_');
        }

        foreach (var c in key)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return name.ToString();
    }

    /// <summary>True for names Prometheus reserves for internal use (<c>__name__</c> and the like).</summary>
    public static bool IsReserved(string name) => name.StartsWith("__", StringComparison.Ordinal);
}
