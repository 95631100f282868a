namespace Ember.Bpf;

/// <summary>
/// The kernel refused an operation for lack of privilege (EPERM or EACCES). The message names the
/// capability or sysctl that grants it.
/// </summary>
public sealed class BpfPermissionException : BpfException
{
    /// <summary>Creates the exception with no detail.</summary>
    public BpfPermissionException()
        : base("bpf operation not permitted")
    {
    }

    /// <summary>Creates the exception with a message naming the operation and how to grant it.</summary>
    public BpfPermissionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public BpfPermissionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
