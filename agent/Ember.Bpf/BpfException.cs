using System.ComponentModel;

namespace Ember.Bpf;

/// <summary>
/// A BPF or perf_event operation failed. The message is a lowercase "operation: cause" chain; the
/// kernel's error number, when there is one, is kept as an inner <see cref="Win32Exception"/>.
/// </summary>
public class BpfException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public BpfException()
        : base("bpf operation failed")
    {
    }

    /// <summary>Creates the exception with a message naming the operation and the cause.</summary>
    public BpfException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public BpfException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The errno of the failing call (from the inner exception), or 0 when there was none.</summary>
    public int Errno => InnerException is Win32Exception native ? native.NativeErrorCode : 0;
}
