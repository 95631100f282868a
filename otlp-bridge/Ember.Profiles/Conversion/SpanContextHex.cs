namespace Ember.Profiles.Conversion;

/// <summary>Hex text ⇄ bytes for trace and span IDs carried as pprof labels.</summary>
internal static class SpanContextHex
{
    /// <summary>Length of a trace ID in bytes.</summary>
    public const int TraceIdBytes = 16;

    /// <summary>Length of a span ID in bytes.</summary>
    public const int SpanIdBytes = 8;

    /// <summary>
    /// True when <paramref name="text"/> is an ID of exactly <paramref name="byteLength"/> bytes in
    /// lowercase hex. Uppercase and all-zero IDs are refused: converting them back would not reproduce
    /// the same label (we write lowercase, and an all-zero ID means "no link" in OTLP), so they stay
    /// plain attributes.
    /// </summary>
    public static bool IsLinkable(string? text, int byteLength)
    {
        if (text is null || text.Length != byteLength * 2)
        {
            return false;
        }

        var allZero = true;
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c)) // 0-9 and a-f
            {
                return false;
            }

            allZero &= c == '0';
        }

        return !allZero;
    }

    /// <summary>The bytes of <paramref name="hex"/>, or <paramref name="byteLength"/> zero bytes when it is empty.</summary>
    public static byte[] Parse(string hex, int byteLength) =>
        hex.Length > 0 ? Convert.FromHexString(hex) : new byte[byteLength];

    /// <summary>Lowercase hex of an ID, or null when it is all zeros (unset).</summary>
    public static string? Format(byte[] id) =>
        id.AsSpan().ContainsAnyExcept((byte)0) ? Convert.ToHexStringLower(id) : null;
}
