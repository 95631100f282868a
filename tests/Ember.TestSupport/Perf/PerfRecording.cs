using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Ember.TestSupport.Perf;

/// <summary>
/// The real <c>perf record --call-graph dwarf</c> attached to one process: perf copies the sampled
/// thread's registers and the top of its user stack into each sample and unwinds them later, in
/// <c>perf script</c>, from the binaries' .eh_frame. It starts with its events disabled (<c>-D -1</c>)
/// and is switched on and off through its control fifo, whose acknowledgement says the events really
/// are on or off: no guessing how long perf takes to attach.
/// </summary>
public sealed class PerfRecording : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly Process _process;
    private readonly string _fifos;
    private readonly FileStream _control;
    private readonly FileStream _acknowledgements;
    private readonly BlockingCollection<string> _acks = [];
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Thread _ackReader;
    private volatile bool _disposed;

    private PerfRecording(Process process, string fifos, FileStream control, FileStream acknowledgements, string dataFile)
    {
        _process = process;
        _fifos = fifos;
        _control = control;
        _acknowledgements = acknowledgements;
        DataFile = dataFile;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _ackReader = new Thread(ReadAcknowledgements) { IsBackground = true, Name = "perf acks" };
        _ackReader.Start();
    }

    /// <summary>The perf.data file perf writes.</summary>
    public string DataFile { get; }

    /// <summary>What perf printed so far, for assertion messages.</summary>
    public string Output => string.Join('\n', _output);

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
        var ack = Path.Combine(fifos, "ack");
        ExternalProcess.RunChecked(mkfifo, [control, ack]);

        // Read-write opens of a fifo never wait for the other end, so neither side blocks if perf fails to start.
        var controlStream = new FileStream(control, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        var ackStream = new FileStream(ack, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        var start = new ProcessStartInfo(perf) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "record", "-e", "cpu-clock", "-F", frequencyHz.ToString(CultureInfo.InvariantCulture),
            "--call-graph", $"dwarf,{stackBytes.ToString(CultureInfo.InvariantCulture)}",
            "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", dataFile,
            // Keeps the binaries out of ~/.debug: the test reads the data while they are still in place.
            "--no-buildid-cache",
            "-D", "-1", "--control", $"fifo:{control},{ack}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start perf record");
        return new PerfRecording(process, fifos, controlStream, ackStream, dataFile);
    }

    /// <summary>Switches the events on; returns once perf acknowledged, so every later sample is recorded.</summary>
    public void Enable(TimeSpan timeout) => Command("enable", timeout);

    /// <summary>
    /// Switches the events off (acknowledged, so the recorded span ends here), then stops perf with
    /// SIGINT as Ctrl+C would and waits until it wrote the data file.
    /// </summary>
    public void Stop(TimeSpan timeout)
    {
        Command("disable", timeout);
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

    /// <summary>Kills perf if it still runs and removes the control fifos.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        // Wakes the acknowledgement reader, which waits in read(2) on a fifo this process holds open itself.
        _acknowledgements.Write("\n"u8);
        _ackReader.Join();
        _acknowledgements.Dispose();
        _control.Dispose();
        _acks.Dispose();
        _process.Dispose();
        Directory.Delete(_fifos, recursive: true);
    }

    private void Command(string command, TimeSpan timeout)
    {
        _control.Write(System.Text.Encoding.ASCII.GetBytes(command + "\n"));
        var deadline = DateTime.UtcNow + timeout;
        while (!_acks.TryTake(out _, PollInterval))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"perf record did not acknowledge '{command}' within {timeout.TotalSeconds} s:\n{Output}");
            }
        }
    }

    private void ReadAcknowledgements()
    {
        using var reader = new StreamReader(_acknowledgements, leaveOpen: true);
        while (!_disposed && reader.ReadLine() is { } line)
        {
            if (line == "ack")
            {
                _acks.Add(line);
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
