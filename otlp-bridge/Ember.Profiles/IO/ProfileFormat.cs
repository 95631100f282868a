namespace Ember.Profiles.IO;

/// <summary>The on-disk and on-wire forms a profile can take.</summary>
public enum ProfileFormat
{
    /// <summary>pprof protobuf (perftools.profiles), gzip-compressed on disk.</summary>
    Pprof,

    /// <summary>OTLP profiles, binary protobuf (ProfilesData / ExportProfilesServiceRequest).</summary>
    Otlp,

    /// <summary>OTLP profiles in the OTLP/JSON encoding.</summary>
    OtlpJson,

    /// <summary>Folded (collapsed) stacks: one "root;caller;leaf value" line per stack.</summary>
    Folded,

    /// <summary>A self-contained HTML flame graph (write only).</summary>
    Html,
}

/// <summary>Names and file extensions of <see cref="ProfileFormat"/>s.</summary>
public static class ProfileFormats
{
    /// <summary>The names accepted on command lines, in the order help text shows them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["pprof", "otlp", "otlp-json", "folded", "html"];

    /// <summary>The command-line name of a format.</summary>
    public static string Name(ProfileFormat format) => format switch
    {
        ProfileFormat.Pprof => "pprof",
        ProfileFormat.Otlp => "otlp",
        ProfileFormat.OtlpJson => "otlp-json",
        ProfileFormat.Folded => "folded",
        ProfileFormat.Html => "html",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown profile format"),
    };

    /// <summary>Parses a command-line format name (case-insensitive).</summary>
    public static bool TryParse(string? name, out ProfileFormat format)
    {
        switch (name?.ToLowerInvariant())
        {
            case "pprof":
                format = ProfileFormat.Pprof;
                return true;
            case "otlp":
                format = ProfileFormat.Otlp;
                return true;
            case "otlp-json":
            case "json":
                format = ProfileFormat.OtlpJson;
                return true;
            case "folded":
            case "collapsed":
                format = ProfileFormat.Folded;
                return true;
            case "html":
                format = ProfileFormat.Html;
                return true;
            default:
                format = default;
                return false;
        }
    }

    /// <summary>
    /// The format a file name implies: <c>.pb.gz .pprof .prof .pb</c> → pprof,
    /// <c>.otlp .otlp.pb .binpb</c> → OTLP, <c>.json</c> → OTLP/JSON, <c>.folded .collapsed</c> → folded,
    /// <c>.html .htm</c> → HTML; null when the extension says nothing.
    /// </summary>
    public static ProfileFormat? FromPath(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            name = name[..^3];
        }

        return name switch
        {
            _ when name.EndsWith(".otlp.pb", StringComparison.Ordinal) || name.EndsWith(".otlp", StringComparison.Ordinal) || name.EndsWith(".binpb", StringComparison.Ordinal) => ProfileFormat.Otlp,
            _ when name.EndsWith(".json", StringComparison.Ordinal) => ProfileFormat.OtlpJson,
            _ when name.EndsWith(".pb", StringComparison.Ordinal) || name.EndsWith(".pprof", StringComparison.Ordinal) || name.EndsWith(".prof", StringComparison.Ordinal) => ProfileFormat.Pprof,
            _ when name.EndsWith(".folded", StringComparison.Ordinal) || name.EndsWith(".collapsed", StringComparison.Ordinal) => ProfileFormat.Folded,
            _ when name.EndsWith(".html", StringComparison.Ordinal) || name.EndsWith(".htm", StringComparison.Ordinal) => ProfileFormat.Html,
            _ => null,
        };
    }
}
