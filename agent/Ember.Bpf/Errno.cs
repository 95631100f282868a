namespace Ember.Bpf;

/// <summary>The Linux errno values Ember.Bpf tells apart (asm-generic/errno-base.h, errno.h).</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int E2BIG = 7;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ENOSYS = 38;
    public const int EOPNOTSUPP = 95;

    /// <summary>Kernel-internal "not supported", which leaks to user space from some bpf() commands.</summary>
    public const int ENOTSUPP = 524;
}
