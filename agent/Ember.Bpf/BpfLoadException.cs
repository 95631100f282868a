namespace Ember.Bpf;

/// <summary>
/// Loading a BPF object failed, usually because the verifier rejected a program. The full verifier
/// log is kept in <see cref="VerifierLog"/>; the message sums it up in one line: the program, the
/// error and the log's last meaningful line.
/// </summary>
public sealed class BpfLoadException : BpfException
{
    /// <summary>Creates the exception with no detail.</summary>
    public BpfLoadException()
        : base("load bpf object failed")
    {
        VerifierLog = [];
    }

    /// <summary>Creates the exception with a message and no verifier log.</summary>
    public BpfLoadException(string message)
        : base(message)
    {
        VerifierLog = [];
    }

    /// <summary>Creates the exception with no verifier log, keeping the lower-level cause.</summary>
    public BpfLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
        VerifierLog = [];
    }

    /// <summary>Creates the exception for a rejected program with its verifier log.</summary>
    public BpfLoadException(string message, string? programName, IReadOnlyList<string> verifierLog,
        bool verifierLogTruncated, Exception innerException)
        : base(message, innerException)
    {
        ProgramName = programName;
        VerifierLog = verifierLog;
        VerifierLogTruncated = verifierLogTruncated;
    }

    /// <summary>The program the kernel rejected, when one was identified.</summary>
    public string? ProgramName { get; }

    /// <summary>The verifier log, one entry per line; empty when the failure was not the verifier's.</summary>
    public IReadOnlyList<string> VerifierLog { get; }

    /// <summary>True when the log outgrew <see cref="BpfLoadOptions.LogSizeMax"/> and lost its beginning.</summary>
    public bool VerifierLogTruncated { get; }
}
