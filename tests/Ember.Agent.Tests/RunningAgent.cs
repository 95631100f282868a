using System.Diagnostics;
using System.Globalization;
using Ember.TestSupport;

namespace Ember.Agent.Tests;

/// <summary>
/// The built ember-agent running as its own process while the test acts: its output lines as they come,
/// so a test waits for what the agent says it did ("cpu sampler started") instead of for a guessed time.
/// </summary>
internal sealed class RunningAgent : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly object _gate = new();

    private RunningAgent(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static RunningAgent Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in AgentProcess.Arguments(args))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in AgentProcess.Environment)
        {
            start.Environment[key] = value;
        }

        return new RunningAgent(Process.Start(start) ?? throw new InvalidOperationException("could not start ember-agent"));
    }

    /// <summary>Everything the agent wrote so far, standard output and error interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Returns once a line containing <paramref name="text"/> arrived; <paramref name="timeout"/> only bounds a hang.</summary>
    public void WaitForLine(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (!_lines.Exists(line => line.Contains(text, StringComparison.Ordinal)))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _process.HasExited)
                {
                    throw new TimeoutException($"ember-agent did not say '{text}' within {timeout.TotalSeconds} s; it said:\n{string.Join('\n', _lines)}");
                }

                Monitor.Wait(_gate, left);
            }
        }
    }

    /// <summary>Sends SIGTERM, as the kubelet or a terminal would, and waits for the exit code.</summary>
    public int Terminate(TimeSpan timeout)
    {
        ExternalProcess.RunChecked("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"ember-agent did not stop on SIGTERM within {timeout.TotalSeconds} s");
        }

        _process.WaitForExit(); // drains the output events
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
            Monitor.PulseAll(_gate);
        }
    }
}
