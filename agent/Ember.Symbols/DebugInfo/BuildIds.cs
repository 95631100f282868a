using System.Text.RegularExpressions;

namespace Ember.Symbols.DebugInfo;

/// <summary>GNU build IDs as file and URL names: lower-case hex only, so none names a path outside its directory.</summary>
public static partial class BuildIds
{
    /// <summary>Whether <paramref name="buildId"/> is 2 to 128 lower- or upper-case hex digits, even in number.</summary>
    public static bool IsValid(string buildId) => Hex().IsMatch(buildId) && buildId.Length % 2 == 0;

    [GeneratedRegex("^[0-9a-fA-F]{2,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex Hex();
}
