using System.Diagnostics;
using System.Globalization;

namespace Ember.TestSupport.Perf;

/// <summary>
/// The real <c>perf record --call-graph dwarf</c> attached to one process: perf copies the sampled
/// thread's registers and the top of its user stack into each sample and unwinds them later, in
/// <c>perf script</c>, from the binaries' .eh_frame. It starts with its events disabled (<c>-D -1</c>)
/// and is switched on and off through its control fifo; perf reports each switch once done ("Events
/// enabled"), so no guessing how long perf takes to attach.
/// </summary>
public sealed class PerfRecording : IDisposable
{
    private const string Enabled = "Events enabled";
    private const string Disabled = "Events disabled";
    private readonly Process _process;
    private readonly string _fifos;
    private readonly FileStream _control;
    private readonly List<string> _lines = [];
    private readonly object _gate = new();

    private PerfRecording(Process process, string fifos, FileStream control, string dataFile)
    {
        _process = process;
        _fifos = fifos;
        _control = control;
        DataFile = dataFile;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The perf.data file perf writes.</summary>
    public string DataFile { get; }

    /// <summary>What perf printed so far, for assertion messages.</summary>
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

    /// <summary>
    /// Starts perf on <paramref name="pid"/> with its events off: cpu-clock (the agent's event) at
    /// <paramref name="frequencyHz"/>, copying <paramref name="stackBytes"/> of user stack per sample.
    /// </summary>
    public static PerfRecording Start(int pid, string dataFile, int frequencyHz = 99, int stackBytes = 16384)
    {
        var perf = ExternalProcess.Require("perf", "linux-perf");
        var mkfifo = ExternalProcess.Require("mkfifo", "coreutils");
        var fifos = Directory.CreateTempSubdirectory("ember-perf-").FullName;
        var control = Path.Combine(fifos, "control");
        ExternalProcess.RunChecked(mkfifo, [control]);

        // A read-write open of a fifo never waits for the other end, so this does not block if perf fails to start.
        var controlStream = new FileStream(control, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        var start = new ProcessStartInfo(perf) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "record", "-e", "cpu-clock", "-F", frequencyHz.ToString(CultureInfo.InvariantCulture),
            "--call-graph", $"dwarf,{stackBytes.ToString(CultureInfo.InvariantCulture)}",
            "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", dataFile,
            // Keeps the binaries out of ~/.debug: the test reads the data while they are still in place.
            "--no-buildid-cache",
            "-D", "-1", "--control", $"fifo:{control}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start perf record");
        return new PerfRecording(process, fifos, controlStream, dataFile);
    }

    /// <summary>Switches the events on; returns once perf reported them on, so every later sample is recorded.</summary>
    public void Enable(TimeSpan timeout) => Command("enable", Enabled, timeout);

    /// <summary>
    /// Switches the events off (perf reports it, so the recorded span ends here), then stops perf with
    /// SIGINT as Ctrl+C would and waits until it wrote the data file.
    /// </summary>
    public void Stop(TimeSpan timeout)
    {
        Command("disable", Disabled, timeout);
        ExternalProcess.RunChecked("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"perf record did not stop on SIGINT within {timeout.TotalSeconds} s:\n{Output}");
        }

        _process.WaitForExit(); // drains the output events
        // perf record ends a SIGINT by raising it again after writing the file: killed by SIGINT (128 + 2) is success.
        if (_process.ExitCode is not (0 or 130) || !File.Exists(DataFile))
        {
            throw new InvalidOperationException($"perf record exited {_process.ExitCode}:\n{Output}");
        }
    }

    /// <summary>Kills perf if it still runs and removes the control fifo.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _control.Dispose();
        _process.Dispose();
        Directory.Delete(_fifos, recursive: true);
    }

    /// <summary>Writes <paramref name="command"/> and waits for one more line <paramref name="report"/> than perf had printed before.</summary>
    private void Command(string command, string report, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            var before = _lines.Count(line => line == report);
            _control.Write(System.Text.Encoding.ASCII.GetBytes(command + "\n"));
            while (_lines.Count(line => line == report) == before)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _process.HasExited)
                {
                    throw new TimeoutException($"perf record did not report '{report}' within {timeout.TotalSeconds} s:\n{string.Join('\n', _lines)}");
                }

                Monitor.Wait(_gate, left);
            }
        }
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
