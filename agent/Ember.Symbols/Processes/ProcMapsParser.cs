using System.Globalization;

namespace Ember.Symbols.Processes;

/// <summary>
/// Parses <c>/proc/PID/maps</c>: <c>start-end perms offset major:minor inode   path</c>. Paths may contain
/// spaces, end in <c> (deleted)</c>, or be pseudo names (<c>[vdso]</c>, <c>[anon:name]</c>); anonymous
/// memory has no path.
/// </summary>
public static class ProcMapsParser
{
    private const string DeletedSuffix = " (deleted)";

    /// <summary>Reads and parses the maps of process <paramref name="pid"/> under <paramref name="procRoot"/>.</summary>
    /// <exception cref="IOException">The process is gone or its maps cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The caller may not read the process's maps.</exception>
    public static IReadOnlyList<ProcessMapping> Read(int pid, string procRoot = "/proc") =>
        Parse(File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "maps")));

    /// <summary>Parses the whole text of a maps file; lines that do not parse are skipped.</summary>
    public static IReadOnlyList<ProcessMapping> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<ProcessMapping>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (TryParseLine(line, out var mapping))
            {
                result.Add(mapping);
            }
        }

        return result;
    }

    /// <summary>Parses one line; false when it is not a well-formed maps line.</summary>
    public static bool TryParseLine(ReadOnlySpan<char> line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ProcessMapping? mapping)
    {
        mapping = null;
        var rest = line;
        if (!NextField(ref rest, out var range) || !NextField(ref rest, out var perms) || !NextField(ref rest, out var offsetText)
            || !NextField(ref rest, out var device) || !NextField(ref rest, out var inodeText))
        {
            return false;
        }

        var dash = range.IndexOf('-');
        var colon = device.IndexOf(':');
        if (dash <= 0 || colon <= 0 || perms.Length != 4
            || !ulong.TryParse(range[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
            || !ulong.TryParse(range[(dash + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end)
            || !ulong.TryParse(offsetText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var offset)
            || !uint.TryParse(device[..colon], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var major)
            || !uint.TryParse(device[(colon + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var minor)
            || !ulong.TryParse(inodeText, NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            || end < start)
        {
            return false;
        }

        // The path is everything after the padding that follows the inode, spaces included.
        var path = rest.TrimStart(' ').ToString();
        var deleted = path.EndsWith(DeletedSuffix, StringComparison.Ordinal) && path.StartsWith('/');
        if (deleted)
        {
            path = path[..^DeletedSuffix.Length];
        }

        mapping = new ProcessMapping(start, end, ParsePermissions(perms), offset, major, minor, inode, path, deleted);
        return true;
    }

    private static MappingPermissions ParsePermissions(ReadOnlySpan<char> perms)
    {
        var result = MappingPermissions.None;
        if (perms[0] == 'r')
        {
            result |= MappingPermissions.Read;
        }

        if (perms[1] == 'w')
        {
            result |= MappingPermissions.Write;
        }

        if (perms[2] == 'x')
        {
            result |= MappingPermissions.Execute;
        }

        if (perms[3] == 's')
        {
            result |= MappingPermissions.Shared;
        }

        return result;
    }

    private static bool NextField(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> field)
    {
        rest = rest.TrimStart(' ');
        var end = rest.IndexOf(' ');
        if (end < 0)
        {
            field = rest;
            rest = [];
            return !field.IsEmpty;
        }

        field = rest[..end];
        rest = rest[(end + 1)..];
        return true;
    }
}
