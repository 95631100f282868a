using System.ComponentModel;
using System.Globalization;
using System.Text;

namespace Ember.Bpf;

/// <summary>Turns errno values into typed exceptions with messages that say how to fix them.</summary>
internal static class BpfErrors
{
    /// <summary>What to grant when bpf() says EPERM.</summary>
    public const string BpfPrivilegeHint =
        "needs root, or the CAP_BPF and CAP_PERFMON capabilities (CAP_SYS_ADMIN on kernels before 5.8)";

    /// <summary>The text libbpf gives for an errno or one of its own error codes, starting lowercase.</summary>
    public static unsafe string Describe(int errno)
    {
        var buffer = stackalloc byte[256];
        if (Interop.Libbpf.libbpf_strerror(-Math.Abs(errno), buffer, 256) != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"error {errno}");
        }

        var text = new string((sbyte*)buffer, 0, IndexOfNul(buffer, 256), Encoding.UTF8);
        return text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];
    }

    /// <summary>The errno as an inner exception, so the caller can test the cause.</summary>
    public static Win32Exception Native(int errno) => new(Math.Abs(errno), Describe(errno));

    /// <summary>
    /// The exception for a failed bpf() operation: <see cref="BpfPermissionException"/> for EPERM,
    /// <see cref="BpfNotSupportedException"/> when the kernel has no bpf syscall, else <see cref="BpfException"/>.
    /// </summary>
    public static BpfException ForBpf(int errno, string operation)
    {
        errno = Math.Abs(errno);
        var cause = $"{operation}: {Describe(errno)}";
        return errno switch
        {
            Errno.EPERM => new BpfPermissionException($"{cause}: {BpfPrivilegeHint}", Native(errno)),
            Errno.ENOSYS => new BpfNotSupportedException(
                $"{cause}: the kernel has no bpf() syscall (CONFIG_BPF_SYSCALL)", "bpf syscall", Native(errno)),
            _ => new BpfException(cause, Native(errno)),
        };
    }

    private static unsafe int IndexOfNul(byte* buffer, int length)
    {
        var span = new ReadOnlySpan<byte>(buffer, length);
        var end = span.IndexOf((byte)0);
        return end < 0 ? length : end;
    }
}
