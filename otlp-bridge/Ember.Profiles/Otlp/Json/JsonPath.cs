using System.Globalization;
using System.Text;

namespace Ember.Profiles.Otlp.Json;

/// <summary>
/// Tracks where the reader is (e.g. <c>$.dictionary.stringTable[3]</c>) cheaply, so that error
/// messages can name the place; the text is only built when an error is reported.
/// </summary>
internal sealed class JsonPath
{
    private readonly List<(string Name, int Index)> _segments = [];

    public void Push(string name) => _segments.Add((name, -1));

    public void Pop() => _segments.RemoveAt(_segments.Count - 1);

    /// <summary>Sets the array index of the innermost segment.</summary>
    public void SetIndex(int index) => _segments[^1] = (_segments[^1].Name, index);

    public override string ToString()
    {
        var builder = new StringBuilder("$");
        foreach (var (name, index) in _segments)
        {
            builder.Append('.').Append(name);
            if (index >= 0)
            {
                builder.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
        }

        return builder.ToString();
    }
}
