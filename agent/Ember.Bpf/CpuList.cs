using System.Globalization;

namespace Ember.Bpf;

/// <summary>
/// The kernel's CPU list format (<c>/sys/devices/system/cpu/online</c>): comma-separated ids and
/// inclusive ranges, e.g. <c>0-3,5,7-8</c>.
/// </summary>
public static class CpuList
{
    private const string OnlinePath = "/sys/devices/system/cpu/online";
    private const string PossiblePath = "/sys/devices/system/cpu/possible";

    private static readonly Lazy<int> _possibleCount = new(() => ReadPossible().Count);

    /// <summary>
    /// How many CPUs the kernel could ever bring online: per-CPU maps hold one value for each,
    /// in this order.
    /// </summary>
    public static int PossibleCount => _possibleCount.Value;

    /// <summary>The CPU ids in <paramref name="list"/>, in the order written.</summary>
    /// <exception cref="FormatException">The text is not a CPU list.</exception>
    public static IReadOnlyList<int> Parse(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var cpus = new List<int>();
        var trimmed = list.Trim();
        if (trimmed.Length == 0)
        {
            return cpus;
        }

        foreach (var item in trimmed.Split(','))
        {
            var dash = item.IndexOf('-', StringComparison.Ordinal);
            var first = ParseId(dash < 0 ? item : item[..dash], list);
            var last = dash < 0 ? first : ParseId(item[(dash + 1)..], list);
            if (last < first)
            {
                throw new FormatException($"parse cpu list '{list}': range '{item}' runs backwards");
            }

            for (var cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }

    /// <summary>The CPUs online now.</summary>
    public static IReadOnlyList<int> ReadOnline() => Parse(File.ReadAllText(OnlinePath));

    /// <summary>The CPUs that could ever be online.</summary>
    public static IReadOnlyList<int> ReadPossible() => Parse(File.ReadAllText(PossiblePath));

    private static int ParseId(string text, string list) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new FormatException($"parse cpu list '{list}': '{text}' is not a cpu id");
}
