using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Sinks.Tests;

/// <summary>A logger factory that keeps every formatted message (and exception text), to check what sinks log.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    /// <summary>Everything logged, "LEVEL message exception".</summary>
    public IReadOnlyList<string> Messages => [.. _messages];

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._messages.Enqueue($"{logLevel} {formatter(state, exception)} {exception}");
    }
}
