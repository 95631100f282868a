namespace Ember.Bpf;

/// <summary>
/// The running kernel lacks a feature Ember needs (a program or map type, the bpf syscall, a perf
/// event). Tests may skip on it; on a kernel that should have the feature it is a failure.
/// </summary>
public sealed class BpfNotSupportedException : BpfException
{
    /// <summary>Creates the exception with no detail.</summary>
    public BpfNotSupportedException()
        : base("bpf feature not supported")
    {
        Feature = string.Empty;
    }

    /// <summary>Creates the exception with a message naming the missing feature.</summary>
    public BpfNotSupportedException(string message)
        : base(message)
    {
        Feature = string.Empty;
    }

    /// <summary>Creates the exception, keeping the lower-level cause.</summary>
    public BpfNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Feature = string.Empty;
    }

    /// <summary>Creates the exception for a named feature.</summary>
    public BpfNotSupportedException(string message, string feature)
        : base(message)
    {
        Feature = feature;
    }

    /// <summary>Creates the exception for a named feature, keeping the lower-level cause.</summary>
    public BpfNotSupportedException(string message, string feature, Exception innerException)
        : base(message, innerException)
    {
        Feature = feature;
    }

    /// <summary>The missing feature, e.g. "perf_event programs" or "stack trace maps".</summary>
    public string Feature { get; }
}
