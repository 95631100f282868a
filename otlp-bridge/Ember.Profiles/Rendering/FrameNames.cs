using System.Globalization;

namespace Ember.Profiles.Rendering;

/// <summary>Names the frames of a pprof location as <see cref="CallTree"/> documents.</summary>
internal static class FrameNames
{
    private const string Unknown = "[unknown]";

    /// <summary>The location's frames, outermost caller first (the model lists inlined callees first).</summary>
    public static string[] OutermostFirst(Pprof.Location location)
    {
        if (location.Lines.Count == 0)
        {
            return [CodeAddress(location)];
        }

        var names = new string[location.Lines.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = Of(location.Lines[names.Length - 1 - i].Function, location);
        }

        return names;
    }

    private static string Of(Pprof.Function? function, Pprof.Location location)
    {
        if (function is not null)
        {
            if (IsNamed(function.Name))
            {
                return function.Name;
            }

            if (IsNamed(function.SystemName))
            {
                return function.SystemName;
            }
        }

        return CodeAddress(location);
    }

    private static bool IsNamed(string name) => name.Length > 0 && name != Unknown;

    private static string CodeAddress(Pprof.Location location)
    {
        var mapping = location.Mapping;
        var binary = mapping is null ? string.Empty : mapping.FileName.Length > 0 ? mapping.FileName : mapping.BuildId;
        if (binary.Length > 0)
        {
            // The file offset is what symbolizers take, and is stable across ASLR.
            var offset = location.Address >= mapping!.MemoryStart
                ? location.Address - mapping.MemoryStart + mapping.FileOffset
                : location.Address;
            return binary + "+0x" + offset.ToString("x", CultureInfo.InvariantCulture);
        }

        return location.Address != 0 ? "0x" + location.Address.ToString("x", CultureInfo.InvariantCulture) : Unknown;
    }
}
