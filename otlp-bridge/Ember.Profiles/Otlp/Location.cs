namespace Ember.Profiles.Otlp;

/// <summary>An instruction address with the source lines it maps to (inlined callees first).</summary>
public sealed class Location
{
    /// <summary>The mapping holding <see cref="Address"/>; null when unknown.</summary>
    public Mapping? Mapping { get; set; }

    /// <summary>Instruction address.</summary>
    public ulong Address { get; set; }

    /// <summary>Lines; the last is the caller into which the preceding ones were inlined.</summary>
    public List<Line> Lines { get; } = [];

    /// <summary>Location attributes, e.g. profile.frame.type.</summary>
    public List<KeyValueAndUnit> Attributes { get; } = [];
}

/// <summary>A source position inside a function.</summary>
public sealed class Line
{
    /// <summary>The function; null when table index 0 (unset) was referenced.</summary>
    public Function? Function { get; set; }

    /// <summary>1-based line number, 0 when unset.</summary>
    public long Number { get; set; }

    /// <summary>1-based column, 0 when unset.</summary>
    public long Column { get; set; }
}

/// <summary>A function.</summary>
public sealed class Function
{
    /// <summary>Human-readable name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>System (e.g. mangled) name.</summary>
    public string SystemName { get; set; } = string.Empty;

    /// <summary>Source file path.</summary>
    public string FileName { get; set; } = string.Empty;

    /// <summary>1-based start line, 0 when unset.</summary>
    public long StartLine { get; set; }
}

/// <summary>A mapped binary.</summary>
public sealed class Mapping
{
    /// <summary>First address.</summary>
    public ulong MemoryStart { get; set; }

    /// <summary>Address just past the end.</summary>
    public ulong MemoryLimit { get; set; }

    /// <summary>File offset of <see cref="MemoryStart"/>.</summary>
    public ulong FileOffset { get; set; }

    /// <summary>Path or pseudo name such as "[vdso]".</summary>
    public string FileName { get; set; } = string.Empty;

    /// <summary>Mapping attributes: process.executable.build_id.gnu|go|htlhash and pprof.mapping.*.</summary>
    public List<KeyValueAndUnit> Attributes { get; } = [];
}
