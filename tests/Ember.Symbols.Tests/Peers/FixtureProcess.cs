using System.Diagnostics;
using System.Globalization;

namespace Ember.Symbols.Tests.Peers;

/// <summary>
/// A running fixture: it prints <c>name 0xADDRESS [more fields]</c> for a few of its functions, then
/// waits until its standard input closes, so a test can read its <c>/proc/PID/maps</c> meanwhile.
/// </summary>
internal sealed class FixtureProcess : IDisposable
{
    private readonly Process _process;

    public FixtureProcess(string binary, int printedLines = 3, params string[] arguments)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        var printed = new Dictionary<string, ulong>();
        var lines = new List<string[]>();
        for (var i = 0; i < printedLines; i++)
        {
            var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"{binary} exited before printing its addresses");
            var parts = line.Split(' ');
            printed[parts[0]] = ulong.Parse(parts[1].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            lines.Add(parts);
        }

        PrintedAddresses = printed;
        PrintedLines = lines;
    }

    public int Pid => _process.Id;

    /// <summary>Runtime address of each function the fixture printed, by name.</summary>
    public IReadOnlyDictionary<string, ulong> PrintedAddresses { get; }

    /// <summary>Every printed line, split on spaces.</summary>
    public IReadOnlyList<string[]> PrintedLines { get; }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.Kill();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
