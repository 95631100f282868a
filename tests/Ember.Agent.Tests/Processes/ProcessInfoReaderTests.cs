using Ember.Agent.Processes;

namespace Ember.Agent.Tests.Processes;

/// <summary><see cref="ProcessInfoReader.Capture"/> on a fake /proc: what a capture read survives the process's exit.</summary>
public sealed class ProcessInfoReaderTests : IDisposable
{
    private const int Pid = 4321;
    private readonly string _procRoot = Directory.CreateTempSubdirectory("ember-proc-").FullName;

    private string Directory_ => Path.Combine(_procRoot, $"{Pid}");

    [Fact]
    public void An_exiting_process_announced_again_keeps_the_executable_its_first_capture_read()
    {
        AddProcess(startTicks: 100, executable: "/usr/bin/short-lived");
        var reader = new ProcessInfoReader(_procRoot);
        Assert.Equal("/usr/bin/short-lived", reader.Capture(Pid, "thread").ExecutablePath);

        // Exiting: stat stays until the parent reaps it, the exe link goes with its memory.
        File.Delete(Path.Combine(Directory_, "exe"));
        Assert.Equal("/usr/bin/short-lived", reader.Capture(Pid, "thread").ExecutablePath);

        // Gone: the drain still finds what was captured.
        Directory.Delete(Directory_, recursive: true);
        Assert.Equal("/usr/bin/short-lived", reader.Capture(Pid, "thread").ExecutablePath);
        Assert.Equal(("short-lived", "/usr/bin/short-lived"), (reader.Get(Pid, "thread").Name, reader.Get(Pid, "thread").ExecutablePath));
    }

    [Fact]
    public void A_new_process_with_the_same_pid_replaces_what_was_captured()
    {
        AddProcess(startTicks: 100, executable: "/usr/bin/short-lived");
        var reader = new ProcessInfoReader(_procRoot);
        reader.Capture(Pid, "thread");
        Directory.Delete(Directory_, recursive: true);

        AddProcess(startTicks: 200, executable: "/usr/bin/next");

        Assert.Equal(("/usr/bin/next", 200UL), (reader.Capture(Pid, "thread").ExecutablePath, reader.Capture(Pid, "thread").StartTicks));
    }

    public void Dispose() => Directory.Delete(_procRoot, recursive: true);

    private void AddProcess(ulong startTicks, string executable)
    {
        Directory.CreateDirectory(Directory_);
        File.WriteAllText(Path.Combine(Directory_, "comm"), Path.GetFileName(executable) + "\n");
        File.WriteAllText(Path.Combine(Directory_, "stat"), $"{Pid} ({Path.GetFileName(executable)}) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 {startTicks} 0\n");
        File.CreateSymbolicLink(Path.Combine(Directory_, "exe"), executable);
    }
}
