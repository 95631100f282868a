using System.Globalization;
using System.Text;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.Profiles.Rendering;

/// <summary>
/// Brendan Gregg's collapsed ("folded") stack format, as read by flamegraph.pl, speedscope and
/// Pyroscope: one line per distinct stack, frames from the root down joined by <c>;</c>, then a
/// space and the stack's value, e.g. <c>main;compute;hotLoop 70</c>.
/// </summary>
public static class FoldedStacks
{
    private static readonly ProfileValueType DefaultType = new("samples", "count");

    /// <summary>
    /// Writes one line per distinct stack of the chosen sample type (default: the profile's default,
    /// as <see cref="CallTree.DefaultSampleTypeIndex"/>), frames named as in <see cref="CallTree"/>,
    /// lines sorted ordinally, stacks whose value sums to zero omitted. In frame names <c>;</c>
    /// becomes <c>:</c> (as stackcollapse-perf.pl does) and line breaks become spaces. Samples with
    /// an empty stack have no frames to write and are left out.
    /// </summary>
    public static string Write(Pprof.Profile profile, int? sampleTypeIndex = null)
    {
        var tree = CallTree.Build(profile, sampleTypeIndex);

        // Sanitizing may fold two frames into one name, so stacks are summed by their text.
        var stacks = new Dictionary<string, long>(StringComparer.Ordinal);
        var pending = new Stack<(CallTreeNode Node, string Path)>();
        foreach (var child in tree.Root.Children)
        {
            pending.Push((child, Sanitize(child.Name)));
        }

        while (pending.Count > 0)
        {
            var (node, path) = pending.Pop();
            if (node.Self != 0)
            {
                stacks[path] = stacks.GetValueOrDefault(path) + node.Self;
            }

            foreach (var child in node.Children)
            {
                pending.Push((child, path + ";" + Sanitize(child.Name)));
            }
        }

        var text = new StringBuilder();
        foreach (var (stack, value) in stacks.Where(s => s.Value != 0).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            text.Append(stack).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Parses folded stacks into a profile with one sample type (<paramref name="type"/>, default
    /// samples/count), one sample per line and one function (with one location) per distinct frame
    /// name. Blank lines are skipped; CRLF line ends are accepted.
    /// </summary>
    /// <exception cref="ProfileFormatException">A line has no value, a value that is not an integer, or an empty frame; the message names the line.</exception>
    public static Pprof.Profile Read(string folded, ProfileValueType? type = null)
    {
        ArgumentNullException.ThrowIfNull(folded);
        var profile = new Pprof.Profile();
        profile.SampleTypes.Add(type ?? DefaultType);
        var locations = new Dictionary<string, Pprof.Location>(StringComparer.Ordinal);

        var lineNumber = 0;
        foreach (var rawLine in folded.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space <= 0)
            {
                throw Malformed(lineNumber, "expected 'frame;frame;... value'");
            }

            if (!long.TryParse(line.AsSpan(space + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                throw Malformed(lineNumber, $"value '{line[(space + 1)..]}' is not an integer");
            }

            var frames = line[..space].Split(';');
            var sample = new Pprof.Sample();
            sample.Values.Add(value);
            // Folded text is root first; pprof stacks are leaf first.
            for (var i = frames.Length - 1; i >= 0; i--)
            {
                if (frames[i].Length == 0)
                {
                    throw Malformed(lineNumber, $"frame {i + 1} is empty");
                }

                sample.Locations.Add(LocationOf(frames[i], locations, profile));
            }

            profile.Samples.Add(sample);
        }

        return profile;
    }

    private static Pprof.Location LocationOf(string name, Dictionary<string, Pprof.Location> locations, Pprof.Profile profile)
    {
        if (!locations.TryGetValue(name, out var location))
        {
            var function = new Pprof.Function { Name = name };
            location = new Pprof.Location();
            location.Lines.Add(new Pprof.Line { Function = function });
            profile.Functions.Add(function);
            profile.Locations.Add(location);
            locations.Add(name, location);
        }

        return location;
    }

    private static string Sanitize(string name) =>
        name.AsSpan().IndexOfAny(";\r\n") < 0 ? name : name.Replace(';', ':').Replace('\r', ' ').Replace('\n', ' ');

    private static ProfileFormatException Malformed(int lineNumber, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"folded stacks line {lineNumber}: {problem}"));
}
