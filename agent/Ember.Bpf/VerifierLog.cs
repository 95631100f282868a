using System.Text;

namespace Ember.Bpf;

/// <summary>Splits a verifier log into lines and sums it up in one line for an exception message.</summary>
internal static class VerifierLog
{
    public static IReadOnlyList<string> Split(ReadOnlySpan<byte> buffer)
    {
        var end = buffer.IndexOf((byte)0);
        var text = Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]);
        return text.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).ToArray();
    }

    /// <summary>
    /// ": last meaningful line (N line(s) omitted)", or empty for an empty log. The statistics the
    /// verifier prints after the error ("processed 12 insns ...") are not the interesting part.
    /// </summary>
    public static string Summarize(IReadOnlyList<string> lines)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (IsStatistics(lines[i]))
            {
                continue;
            }

            var omitted = lines.Count - 1;
            return omitted == 0 ? $": {lines[i]}" : $": {lines[i]} ({omitted} line(s) omitted)";
        }

        return string.Empty;
    }

    private static bool IsStatistics(string line) =>
        line.StartsWith("processed ", StringComparison.Ordinal)
        || line.StartsWith("verification time ", StringComparison.Ordinal)
        || line.StartsWith("stack depth ", StringComparison.Ordinal);
}
