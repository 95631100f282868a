using System.Globalization;

namespace Ember.Agent.Cli;

/// <summary>Parses sizes as users write them on command lines: 16MiB, 512KiB, 1GiB (or K, M, G, KB, MB, GB, all powers of 1024), or plain bytes.</summary>
internal static class SizeParser
{
    private static readonly (string Suffix, long Scale)[] Suffixes =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30),
        ("KB", 1L << 10), ("MB", 1L << 20), ("GB", 1L << 30),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("B", 1),
    ];

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        var scale = 1L;
        foreach (var (suffix, multiplier) in Suffixes)
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                value = value[..^suffix.Length].TrimEnd();
                scale = multiplier;
                break;
            }
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > long.MaxValue / scale)
        {
            return false;
        }

        bytes = amount * scale;
        return true;
    }

    /// <summary>The size in the largest binary unit that divides it: 16MiB, 1536KiB, 1000B.</summary>
    public static string Format(long bytes) => bytes switch
    {
        0 => "0",
        _ when bytes % (1L << 30) == 0 => $"{bytes >> 30}GiB",
        _ when bytes % (1L << 20) == 0 => $"{bytes >> 20}MiB",
        _ when bytes % (1L << 10) == 0 => $"{bytes >> 10}KiB",
        _ => $"{bytes}B",
    };
}
