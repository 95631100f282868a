using System.Text;
using System.Text.RegularExpressions;

namespace Ember.Bpf;

/// <summary>Splits a verifier log into lines and sums it up in one line for an exception message.</summary>
internal static partial class VerifierLog
{
    public static IReadOnlyList<string> Split(ReadOnlySpan<byte> buffer)
    {
        var end = buffer.IndexOf((byte)0);
        var text = Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]);
        return text.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).ToArray();
    }

    /// <summary>
    /// ": reason (N line(s) omitted)", or empty for an empty log. The verifier states why it gave
    /// up right after the last instruction it looked at; what follows is detail and statistics.
    /// A log without instructions (a BTF or load-time error) is summed up by its last real line.
    /// </summary>
    public static string Summarize(IReadOnlyList<string> lines)
    {
        var lastInstruction = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            if (InstructionLine().IsMatch(lines[i]))
            {
                lastInstruction = i;
            }
        }

        var reason = lines.Skip(lastInstruction + 1).FirstOrDefault(line => !line.StartsWith(';') && !IsStatistics(line))
            ?? lines.LastOrDefault(line => !IsStatistics(line));
        if (reason is null)
        {
            return string.Empty;
        }

        var omitted = lines.Count - 1;
        return omitted == 0 ? $": {reason}" : $": {reason} ({omitted} line(s) omitted)";
    }

    private static bool IsStatistics(string line) =>
        line.StartsWith("processed ", StringComparison.Ordinal)
        || line.StartsWith("verification time ", StringComparison.Ordinal)
        || line.StartsWith("stack depth ", StringComparison.Ordinal);

    /// <summary>An instruction the verifier walked, e.g. "8: (79) r6 = *(u64 *)(r0 +8)".</summary>
    [GeneratedRegex(@"^\d+: \(")]
    private static partial Regex InstructionLine();
}
