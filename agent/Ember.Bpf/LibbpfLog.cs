using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Ember.Bpf;

/// <summary>
/// Routes libbpf's own messages (warnings about maps, BTF, program loads) to an <see cref="ILogger"/>.
/// libbpf has one print callback per process, so routing is process-wide: the latest
/// <see cref="RouteTo(ILogger)"/> wins until its scope is disposed, which restores the previous
/// logger (and libbpf's default printing to stderr when there is none). Safe for concurrent use.
/// </summary>
public static partial class LibbpfLog
{
    private const int MessageBufferSize = 4096;

    private static readonly Lock _gate = new();
    private static ILogger? _logger;
    private static bool _installed;
    private static unsafe delegate* unmanaged<int, byte*, nint, int> _libbpfDefault;

    /// <summary>Sends libbpf's messages to <paramref name="logger"/> until the returned scope is disposed.</summary>
    public static IDisposable RouteTo(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        lock (_gate)
        {
            var scope = new Route(Volatile.Read(ref _logger));
            Volatile.Write(ref _logger, logger);
            Install();
            return scope;
        }
    }

    private static unsafe void Install()
    {
        if (!_installed)
        {
            _libbpfDefault = Interop.Libbpf.libbpf_set_print(&Print);
            _installed = true;
        }
    }

    private static unsafe void Restore(ILogger? previous)
    {
        lock (_gate)
        {
            Volatile.Write(ref _logger, previous);
            if (previous is null && _installed)
            {
                Interop.Libbpf.libbpf_set_print(_libbpfDefault);
                _installed = false;
            }
        }
    }

    [UnmanagedCallersOnly]
    private static unsafe int Print(int level, byte* format, nint arguments)
    {
        var logger = Volatile.Read(ref _logger);
        var logLevel = level switch
        {
            Interop.Libbpf.LevelWarn => LogLevel.Warning,
            Interop.Libbpf.LevelInfo => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        if (logger is null || !logger.IsEnabled(logLevel))
        {
            return 0;
        }

        var buffer = stackalloc byte[MessageBufferSize];
        var length = Interop.Libc.Vsnprintf(buffer, MessageBufferSize, format, arguments);
        if (length < 0)
        {
            return 0;
        }

        var message = Encoding.UTF8.GetString(buffer, Math.Min(length, MessageBufferSize - 1)).TrimEnd('\n');
        if (length >= MessageBufferSize)
        {
            message += " [truncated]";
        }

        // An exception must not unwind into libbpf's C frames: a failing logger loses this line only.
        try
        {
            LibbpfMessage(logger, logLevel, message);
        }
#pragma warning disable CA1031 // Any exception from a third-party logger: see above.
        catch (Exception)
#pragma warning restore CA1031
        {
            return 0;
        }

        return 0;
    }

    [LoggerMessage(EventId = 1, Message = "libbpf: {Message}")]
    private static partial void LibbpfMessage(ILogger logger, LogLevel level, string message);

    private sealed class Route(ILogger? previous) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Restore(previous);
            }
        }
    }
}
