namespace Ember.PowerShell.Backends;

/// <summary>
/// A profile query as both stores write it: a profile type and a PromQL-style label selector,
/// <c>process_cpu:cpu:nanoseconds:cpu:nanoseconds{namespace="payments"}</c>.
/// </summary>
/// <param name="ProfileType">The profile type ID, e.g. <c>process_cpu:cpu:nanoseconds:cpu:nanoseconds</c>.</param>
/// <param name="Selector">The label selector with its braces, <c>{}</c> when empty.</param>
public sealed record ProfileQuery(string ProfileType, string Selector)
{
    /// <summary>Splits <c>type{selector}</c>.</summary>
    /// <exception cref="ArgumentException">The query has no profile type or unbalanced braces.</exception>
    public static ProfileQuery Parse(string query)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var brace = query.IndexOf('{', StringComparison.Ordinal);
        var type = (brace < 0 ? query : query[..brace]).Trim();
        var selector = brace < 0 ? "{}" : query[brace..].Trim();
        if (type.Length == 0 || type.Split(':').Length < 5)
        {
            throw new ArgumentException($"'{query}' does not start with a profile type such as process_cpu:cpu:nanoseconds:cpu:nanoseconds", nameof(query));
        }

        if (!selector.EndsWith('}'))
        {
            throw new ArgumentException($"the label selector of '{query}' does not end with '}}'", nameof(query));
        }

        return new ProfileQuery(type, selector);
    }

    /// <summary>The same query with one more equality matcher.</summary>
    public ProfileQuery With(string label, string value)
    {
        var inner = Selector[1..^1].Trim();
        var matcher = $"{label}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        return this with { Selector = inner.Length == 0 ? "{" + matcher + "}" : "{" + inner + "," + matcher + "}" };
    }

    /// <inheritdoc/>
    public override string ToString() => ProfileType + Selector;
}
