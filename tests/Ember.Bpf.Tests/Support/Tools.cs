using System.Diagnostics;

namespace Ember.Bpf.Tests.Support;

/// <summary>Runs the real tools the tests check against (clang, llvm-symbolizer) and finds the repository.</summary>
internal static class Tools
{
    /// <summary>
    /// The path of <paramref name="program"/> on PATH. A missing tool fails the test, never skips it:
    /// the machine is expected to have it (the Debian package named).
    /// </summary>
    public static string Require(string program, string package)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"'{program}' is not installed; it comes from the Debian package '{package}'.");
    }

    /// <summary>Runs a program to completion and returns its standard output; a non-zero exit fails.</summary>
    public static string Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }

    /// <summary>The repository root (the folder holding bpf/profiler.bpf.c), found from the test binaries upwards.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "bpf", "profiler.bpf.c")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"no repository root above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>A fixture file copied next to the tests (Fixtures/).</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}
