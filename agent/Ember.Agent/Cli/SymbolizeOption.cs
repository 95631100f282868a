using System.CommandLine;

namespace Ember.Agent.Cli;

/// <summary>The <c>--symbolize local|none</c> choice <c>run</c> and <c>record</c> share.</summary>
internal static class SymbolizeOption
{
    /// <summary>Name frames on the node.</summary>
    public const string Local = "local";

    /// <summary>Ship addresses, mappings and build IDs of file-backed code only.</summary>
    public const string None = "none";

    public static Option<string> Create()
    {
        var option = new Option<string>("--symbolize")
        {
            Description =
                "local: name frames on the node from each binary's symbols, Go pclntab and separate debug files (default). " +
                "none: leave native and Go frames as addresses with their mapping and GNU build ID, for ember-bridge (its debug-info store, " +
                "DEBUGINFOD_URLS) to name once, centrally; kernel, JIT and Python frames are still named, as only the node can.",
            DefaultValueFactory = _ => Local,
        };
        option.AcceptOnlyFromAmong(Local, None);
        return option;
    }

    /// <summary>Whether <paramref name="value"/> asks for names on the node; false for <c>none</c>.</summary>
    public static bool TryParse(string value, out bool nameOnNode)
    {
        nameOnNode = value == Local;
        return value is Local or None;
    }
}
