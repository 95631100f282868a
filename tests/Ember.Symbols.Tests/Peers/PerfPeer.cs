using System.Globalization;

namespace Ember.Symbols.Tests.Peers;

/// <summary>
/// Linux perf as an oracle: records a command with the cpu-clock event and returns each sample's
/// instruction pointer with the symbol and object perf itself resolved it to.
/// </summary>
internal static class PerfPeer
{
    public sealed record Sample(int Pid, ulong Ip, string Symbol, string Dso);

    public static IReadOnlyList<Sample> Record(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment = null, int frequency = 2000)
    {
        var perf = ExternalProcess.Require("perf", "linux-perf");
        var data = Path.Combine(Directory.CreateTempSubdirectory("ember-perf-").FullName, "perf.data");
        ExternalProcess.RunChecked(perf, ["record", "-q", "-o", data, "-e", "cpu-clock", "-F", frequency.ToString(CultureInfo.InvariantCulture), "--", .. command],
            environment: environment);
        var script = ExternalProcess.RunChecked(perf, ["script", "-i", data, "-F", "pid,ip,sym,dso"]);
        var samples = new List<Sample>();
        foreach (var raw in script.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // " 2042      7ff968005992 JS:*ember_hot [eval]:1:19 (/tmp/perf-2042.map)"
            var line = raw.Trim();
            var dsoStart = line.LastIndexOf(" (", StringComparison.Ordinal);
            var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            if (dsoStart < 0 || parts.Length < 2)
            {
                continue;
            }

            var afterPid = parts[1].TrimStart();
            var ipEnd = afterPid.IndexOf(' ', StringComparison.Ordinal);
            var ip = ulong.Parse(afterPid.AsSpan(0, ipEnd), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var symbolStart = line.Length - afterPid.Length + ipEnd + 1;
            var symbol = symbolStart < dsoStart ? line[symbolStart..dsoStart].Trim() : string.Empty;
            samples.Add(new Sample(int.Parse(parts[0], CultureInfo.InvariantCulture), ip, symbol, line[(dsoStart + 2)..^1]));
        }

        return samples;
    }
}
