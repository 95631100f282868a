using System.Threading.Channels;
using Ember.Agent.Export;
using Ember.Otlp;
using Ember.Profiles.Otlp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ember.Agent.Tests.Export;

/// <summary>
/// The agent's retry loop over the shared transport: attempts, counting and waits. The exporter is
/// scripted and the clock is a <see cref="FakeTimeProvider"/>, so waits are checked exactly without
/// real sleeps; the transport itself is tested in Ember.Otlp.Tests.
/// </summary>
public sealed class ExportSenderTests
{
    private static readonly TimeSpan Hint = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new();
    private readonly ObservedClock _clock;
    private readonly ExportStatistics _statistics = new();

    public ExportSenderTests() => _clock = new ObservedClock(_time);

    private static ExportBatch Window() => new(new ProfilesData(), 42);

    // Jitter 0: the computed wait is half the ceiling (0.5 s for the first retry), so a 1 s hint decides.
    private ExportSender Sender(ScriptedExporter exporter) =>
        new(exporter, _statistics, NullLogger.Instance, new ExportBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), _clock, () => 0));

    [Fact]
    public async Task A_retryable_failure_waits_for_the_server_hint_then_the_window_is_exported_once()
    {
        var exporter = new ScriptedExporter(
            ExportResult.Retryable("unavailable", "UNAVAILABLE: down", Hint),
            ExportResult.Retryable("http_503", "HTTP 503", Hint),
            ExportResult.Accepted(ExportPartialSuccess.None));

        var export = Sender(exporter).ExportAsync(Window(), CancellationToken.None);
        await _clock.WaitStartedAsync();
        _time.Advance(Hint - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, exporter.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await _clock.WaitStartedAsync();
        Assert.Equal(2, exporter.Calls);
        _time.Advance(Hint);
        await export;

        Assert.Equal(3, exporter.Calls);
        Assert.Equal((3, 2, 0, 42), (_statistics.Requests, _statistics.Retries, _statistics.Failures, _statistics.SamplesExported));
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried_and_is_counted_by_its_reason()
    {
        var exporter = new ScriptedExporter(ExportResult.Permanent("invalid_argument", "INVALID_ARGUMENT: no"));

        await Sender(exporter).ExportAsync(Window(), CancellationToken.None);

        Assert.Equal(1, exporter.Calls);
        Assert.Equal((1, 0, 0), (_statistics.Requests, _statistics.Retries, _statistics.SamplesExported));
        Assert.Equal(1, _statistics.FailuresByReason["invalid_argument"]);
    }

    [Fact]
    public async Task A_window_is_given_up_after_the_last_attempt()
    {
        var exporter = new ScriptedExporter(Enumerable.Repeat(ExportResult.Retryable("connection_refused", "refused"), ExportSender.MaxAttempts).ToArray());

        var export = Sender(exporter).ExportAsync(Window(), CancellationToken.None);
        for (var retry = 1; retry < ExportSender.MaxAttempts; retry++)
        {
            await _clock.WaitStartedAsync();
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        await export;

        Assert.Equal((5, 4, 1, 0), (_statistics.Requests, _statistics.Retries, _statistics.Failures, _statistics.SamplesExported));
        Assert.Equal(1, _statistics.FailuresByReason["connection_refused"]);
    }

    [Fact]
    public async Task Partially_rejected_profiles_are_counted_and_not_retried()
    {
        var exporter = new ScriptedExporter(ExportResult.Accepted(new ExportPartialSuccess(1, "profile too old")));

        await Sender(exporter).ExportAsync(Window(), CancellationToken.None);

        Assert.Equal((1, 1, 0, 42), (exporter.Calls, _statistics.RejectedProfiles, _statistics.Failures, _statistics.SamplesExported));
    }

    [Fact]
    public async Task An_unreadable_answer_counts_as_exported_and_is_never_resent()
    {
        var exporter = new ScriptedExporter(ExportResult.AcceptedUnreadable(new Ember.Profiles.ProfileFormatException("truncated")));

        await Sender(exporter).ExportAsync(Window(), CancellationToken.None);

        Assert.Equal((1, 1, 0, 42), (exporter.Calls, _statistics.UnreadableResponses, _statistics.Failures, _statistics.SamplesExported));
    }

    [Fact]
    public async Task Cancellation_during_a_wait_ends_the_export()
    {
        var exporter = new ScriptedExporter(ExportResult.Retryable("unavailable", "down", Hint), ExportResult.Accepted(ExportPartialSuccess.None));
        using var cancellation = new CancellationTokenSource();

        var export = Sender(exporter).ExportAsync(Window(), cancellation.Token);
        await _clock.WaitStartedAsync();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export);
        Assert.Equal(1, exporter.Calls);
    }

    /// <summary>Answers calls with the given results in order.</summary>
    private sealed class ScriptedExporter(params ExportResult[] results) : IOtlpExporter
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<ExportResult> ExportAsync(ProfilesData data, CancellationToken cancellation) =>
            Task.FromResult(results[Interlocked.Increment(ref _calls) - 1]);

        public void Dispose()
        {
        }
    }

    /// <summary>
    /// The fake clock, signalling each timer created on it: a started back-off wait. Advancing only
    /// after that signal makes the test deterministic whichever thread the sender continues on.
    /// </summary>
    private sealed class ObservedClock(FakeTimeProvider inner) : TimeProvider
    {
        private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public async Task WaitStartedAsync() => await _waits.Reader.ReadAsync();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            _waits.Writer.TryWrite(dueTime);
            return timer;
        }

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();
    }
}
