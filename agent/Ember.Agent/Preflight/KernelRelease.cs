using System.Globalization;

namespace Ember.Agent.Preflight;

/// <summary>A kernel release such as 6.1.0-13-amd64, compared by major.minor.</summary>
public readonly record struct KernelRelease(int Major, int Minor, string Text) : IComparable<KernelRelease>
{
    /// <summary>Parses the leading "major.minor" of a release string.</summary>
    public static KernelRelease Parse(string release)
    {
        var text = release.Trim();
        var parts = text.Split('.', 3);
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            throw new FormatException($"unrecognized kernel release '{text}'");
        }

        var minorDigits = new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray());
        if (!int.TryParse(minorDigits, NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            throw new FormatException($"unrecognized kernel release '{text}'");
        }

        return new KernelRelease(major, minor, text);
    }

    /// <inheritdoc />
    public int CompareTo(KernelRelease other) => (Major, Minor).CompareTo((other.Major, other.Minor));

    /// <summary>Orders releases.</summary>
    public static bool operator <(KernelRelease left, KernelRelease right) => left.CompareTo(right) < 0;

    /// <summary>Orders releases.</summary>
    public static bool operator >(KernelRelease left, KernelRelease right) => left.CompareTo(right) > 0;

    /// <summary>Orders releases.</summary>
    public static bool operator <=(KernelRelease left, KernelRelease right) => left.CompareTo(right) <= 0;

    /// <summary>Orders releases.</summary>
    public static bool operator >=(KernelRelease left, KernelRelease right) => left.CompareTo(right) >= 0;
}
