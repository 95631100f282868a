using Ember.Bridge.Intake;

namespace Ember.Bridge.Receiving;

/// <summary>How <see cref="ReceivePipeline"/> ended a request; each transport maps it to its own answer.</summary>
internal abstract record ReceiveOutcome
{
    private ReceiveOutcome()
    {
    }

    /// <summary>Decoded and handed to the intake: some or all profiles spooled, the others refused by validation.</summary>
    /// <param name="Result">Counts and the validation message (OTLP partial_success).</param>
    public sealed record Accepted(IntakeResult Result) : ReceiveOutcome;

    /// <summary>No or the wrong bearer token; nothing was read.</summary>
    public sealed record Unauthenticated : ReceiveOutcome
    {
        /// <summary>What every transport tells the client.</summary>
        public const string Message = "missing or wrong bearer token";
    }

    /// <summary>The Content-Type names no decoder.</summary>
    /// <param name="Message">Names the content type and the ones accepted.</param>
    public sealed record UnsupportedMediaType(string Message) : ReceiveOutcome;

    /// <summary>The body, or what it decompresses to, is over a limit.</summary>
    /// <param name="Message">Names the limit.</param>
    public sealed record PayloadTooLarge(string Message) : ReceiveOutcome;

    /// <summary>The request or its payload cannot be decoded.</summary>
    /// <param name="Reason">What is wrong and where.</param>
    public sealed record Malformed(string Reason) : ReceiveOutcome;

    /// <summary>A sink's spool has no room; nothing was stored, the client should retry later.</summary>
    /// <param name="Message">Which spool.</param>
    /// <param name="RetryAfter">How long the client should wait.</param>
    public sealed record SpoolFull(string Message, TimeSpan RetryAfter) : ReceiveOutcome;

    /// <summary>Writing a spool failed; the request was refused.</summary>
    /// <param name="Reason">The I/O error.</param>
    public sealed record StorageFailed(string Reason) : ReceiveOutcome;
}
