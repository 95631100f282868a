using System.Runtime.InteropServices;

namespace Ember.Bpf;

/// <summary>
/// Sends a signal to another process. .NET can only kill a process; a runtime's attach mechanism
/// (HotSpot's SIGQUIT) needs the signal itself, and the native calls of the agent live here.
/// </summary>
public static class ProcessSignal
{
    /// <summary>SIGQUIT: a HotSpot JVM that finds its attach trigger file starts its attach listener on it.</summary>
    public const int Quit = 3;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; the errno when it could not, else 0.</summary>
    public static int Send(int pid, int signal) => Interop.Libc.Kill(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
