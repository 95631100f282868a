using System.Globalization;
using Ember.TestSupport;

namespace Ember.Agent.Tests.Workloads;

/// <summary>What <c>go tool pprof</c> — a reader no one here wrote — says about a profile the agent wrote.</summary>
internal static class PprofReport
{
    /// <summary><c>go tool pprof -top</c> rows (flat samples and name), hottest first.</summary>
    public static List<(string Name, double Flat)> Top(string profile)
    {
        var rows = new List<(string, double)>();
        var inTable = false;
        foreach (var line in GoPeer.Pprof("-top", "-symbolize=none", "-nodecount=50", profile).Split('\n'))
        {
            if (line.TrimStart().StartsWith("flat", StringComparison.Ordinal))
            {
                inTable = true;
                continue;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (inTable && fields.Length >= 6)
            {
                rows.Add((string.Join(' ', fields[5..]), double.Parse(fields[0], CultureInfo.InvariantCulture)));
            }
        }

        return rows;
    }

    /// <summary>All samples in the profile, from the header of <c>go tool pprof -top</c> ("... of 1415 total").</summary>
    public static double Total(string profile)
    {
        var header = GoPeer.Pprof("-top", "-symbolize=none", "-nodecount=1", profile).Split('\n').Single(l => l.StartsWith("Showing nodes accounting for", StringComparison.Ordinal));
        var fields = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return double.Parse(fields[^2], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <c>go tool pprof -traces</c>: every distinct stack with its sample count, leaf first.
    /// The output is blocks separated by <c>-----------+----</c> rules; a block's first line holds
    /// the value and the leaf, the following lines the callers.
    /// </summary>
    public static List<(long Samples, string[] Frames)> Traces(string profile)
    {
        var traces = new List<(long, string[])>();
        long samples = 0;
        var frames = new List<string>();
        foreach (var line in GoPeer.Pprof("-traces", "-symbolize=none", profile).Split('\n'))
        {
            if (line.StartsWith("-----------+", StringComparison.Ordinal))
            {
                if (frames.Count > 0)
                {
                    traces.Add((samples, [.. frames]));
                }

                frames.Clear();
                continue;
            }

            // Frame lines: a right-aligned count (first frame) or blanks in columns 0-9, three
            // blanks, then the name; label lines ("key:  value") have letters in those columns.
            if (line.Length <= 13 || line[10..13] != "   " || !line[..10].All(c => c == ' ' || char.IsAsciiDigit(c)))
            {
                continue;
            }

            if (frames.Count == 0)
            {
                samples = long.Parse(line[..10].Trim(), CultureInfo.InvariantCulture);
            }

            frames.Add(line[13..].Trim());
        }

        return traces;
    }
}
