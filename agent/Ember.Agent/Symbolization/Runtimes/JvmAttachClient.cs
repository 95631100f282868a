using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Ember.Bpf;
using Ember.Symbols.Processes;

namespace Ember.Agent.Symbolization.Runtimes;

/// <summary>
/// Runs a diagnostic command in a running HotSpot JVM through its attach mechanism, as <c>jcmd</c>
/// does: the JVM listens on <c>/tmp/.java_pidPID</c> once it found <c>/tmp/.attach_pidPID</c> on a
/// SIGQUIT (without that file, SIGQUIT only prints a thread dump), reached through /proc/PID/root with
/// the PID its namespace gives it. A request is the protocol version and the command and its three
/// arguments, each NUL-terminated; the answer is a status line (0 is success) and the command's output.
/// </summary>
internal static class JvmAttachClient
{
    private static readonly TimeSpan ListenerWait = TimeSpan.FromSeconds(5);

    /// <summary>Asks <paramref name="pid"/>'s JVM to write /tmp/perf-PID.map with the code its JIT compiled so far (JDK 17+).</summary>
    /// <exception cref="RuntimeAttachException">The attach listener did not start, the connection failed, or the JVM refused.</exception>
    public static void WritePerfMap(string procRoot, int pid, TimeSpan timeout) => Execute(procRoot, pid, "Compiler.perfmap", timeout);

    private static void Execute(string procRoot, int pid, string command, TimeSpan timeout)
    {
        var tmp = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "root", "tmp");
        var namespacePid = NamespacePid.Read(procRoot, pid).ToString(CultureInfo.InvariantCulture);
        var socketPath = Path.Combine(tmp, $".java_pid{namespacePid}");
        if (!File.Exists(socketPath))
        {
            StartListener(pid, Path.Combine(tmp, $".attach_pid{namespacePid}"), socketPath);
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            {
                SendTimeout = (int)timeout.TotalMilliseconds, ReceiveTimeout = (int)timeout.TotalMilliseconds,
            };
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.Send(Encoding.UTF8.GetBytes($"1\0jcmd\0{command}\0\0\0"));
            var answer = ReceiveAll(socket);
            var status = answer.Split('\n', 2)[0].Trim();
            if (status != "0")
            {
                throw new RuntimeAttachException($"process {pid}: the JVM answered {command} with status '{status}': {answer.Split('\n', 2).ElementAtOrDefault(1)?.Trim()}");
            }
        }
        catch (SocketException ex)
        {
            throw new RuntimeAttachException($"process {pid}: attach socket {socketPath}: {ex.Message}", ex);
        }
    }

    /// <summary>Creates the trigger file, sends SIGQUIT and waits for the listener's socket; removes the file either way.</summary>
    private static void StartListener(int pid, string triggerPath, string socketPath)
    {
        try
        {
            File.WriteAllBytes(triggerPath, []);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeAttachException($"process {pid}: cannot create {triggerPath}: {ex.Message}", ex);
        }

        try
        {
            var errno = ProcessSignal.Send(pid, ProcessSignal.Quit);
            if (errno != 0)
            {
                throw new RuntimeAttachException($"process {pid}: SIGQUIT failed (errno {errno})");
            }

            var deadline = DateTime.UtcNow + ListenerWait;
            while (!File.Exists(socketPath))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new RuntimeAttachException($"process {pid}: the JVM opened no attach socket within {ListenerWait.TotalSeconds:F0} s (started with -XX:+DisableAttachMechanism?)");
                }

                Thread.Sleep(20);
            }
        }
        finally
        {
            File.Delete(triggerPath);
        }
    }

    private static string ReceiveAll(Socket socket)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        int read;
        while ((read = socket.Receive(buffer)) > 0 && text.Length < MaxAnswerChars)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>An answer longer than this is cut: only its status line matters.</summary>
    private const int MaxAnswerChars = 1 << 16;
}
