namespace Ember.Symbols.Processes;

/// <summary>Permissions of a memory mapping, as the <c>rwxp</c>/<c>rwxs</c> column of <c>/proc/PID/maps</c>.</summary>
[Flags]
public enum MappingPermissions
{
    /// <summary>No access.</summary>
    None = 0,

    /// <summary>Readable.</summary>
    Read = 1,

    /// <summary>Writable.</summary>
    Write = 2,

    /// <summary>Executable.</summary>
    Execute = 4,

    /// <summary>Shared rather than private (copy-on-write).</summary>
    Shared = 8,
}

/// <summary>What backs a mapping.</summary>
public enum MappingKind
{
    /// <summary>A regular file (path starts with <c>/</c> and the inode is non-zero).</summary>
    File,

    /// <summary>Anonymous memory with no name (JIT code lives here).</summary>
    Anonymous,

    /// <summary>Named anonymous memory: <c>[anon:name]</c> or <c>[anon_shmem:name]</c>.</summary>
    NamedAnonymous,

    /// <summary>The kernel's virtual dynamic shared object, <c>[vdso]</c>.</summary>
    Vdso,

    /// <summary>Another kernel pseudo-mapping: <c>[heap]</c>, <c>[stack]</c>, <c>[vvar]</c>, <c>[vsyscall]</c>...</summary>
    Pseudo,
}

/// <summary>One line of <c>/proc/PID/maps</c>.</summary>
/// <param name="Start">First address of the mapping.</param>
/// <param name="End">Address one past the last byte.</param>
/// <param name="Permissions">Access permissions.</param>
/// <param name="FileOffset">Offset in the file of the byte mapped at <paramref name="Start"/>.</param>
/// <param name="DeviceMajor">Major number of the device holding the file.</param>
/// <param name="DeviceMinor">Minor number of the device holding the file.</param>
/// <param name="Inode">Inode of the file; 0 for anonymous memory.</param>
/// <param name="Path">Path as the kernel printed it, without a trailing <c> (deleted)</c>; empty for anonymous memory.</param>
/// <param name="IsDeleted">True when the file was deleted (or replaced) after it was mapped.</param>
public sealed record ProcessMapping(
    ulong Start,
    ulong End,
    MappingPermissions Permissions,
    ulong FileOffset,
    uint DeviceMajor,
    uint DeviceMinor,
    ulong Inode,
    string Path,
    bool IsDeleted)
{
    /// <summary>What backs the mapping.</summary>
    public MappingKind Kind => Path switch
    {
        "" => MappingKind.Anonymous,
        "[vdso]" => MappingKind.Vdso,
        _ when Path.StartsWith("[anon:", StringComparison.Ordinal) || Path.StartsWith("[anon_shmem:", StringComparison.Ordinal) => MappingKind.NamedAnonymous,
        _ when Path.StartsWith('[') => MappingKind.Pseudo,
        _ when Inode == 0 => MappingKind.Anonymous,
        _ => MappingKind.File,
    };

    /// <summary>True when the mapping may contain code.</summary>
    public bool IsExecutable => (Permissions & MappingPermissions.Execute) != 0;

    /// <summary>True when <paramref name="address"/> lies inside the mapping.</summary>
    public bool Contains(ulong address) => address >= Start && address < End;
}
