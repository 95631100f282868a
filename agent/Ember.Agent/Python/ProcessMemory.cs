using Microsoft.Win32.SafeHandles;

namespace Ember.Agent.Python;

/// <summary>
/// Reads another process's memory through /proc/PID/mem (the agent has CAP_SYS_PTRACE). A read of
/// memory the process no longer maps, or of a process that has exited, reads nothing.
/// </summary>
internal sealed class ProcessMemory(SafeFileHandle handle) : IDisposable
{
    /// <summary>Opens <paramref name="pid"/>'s memory; null when the process is gone or not ours to read.</summary>
    public static ProcessMemory? Open(string procRoot, int pid)
    {
        try
        {
            return new ProcessMemory(File.OpenHandle($"{procRoot}/{pid}/mem", FileMode.Open, FileAccess.Read));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Fills <paramref name="into"/> from <paramref name="address"/>; false when any of it could not be read.</summary>
    public bool TryRead(ulong address, Span<byte> into)
    {
        if (address == 0 || address > long.MaxValue - (ulong)into.Length)
        {
            return false;
        }

        try
        {
            return RandomAccess.Read(handle, into, (long)address) == into.Length;
        }
        catch (IOException)
        {
            return false; // EIO: not mapped (any more)
        }
    }

    /// <summary>The 8-byte word at <paramref name="address"/>, or null.</summary>
    public ulong? ReadWord(ulong address)
    {
        Span<byte> word = stackalloc byte[8];
        return TryRead(address, word) ? BitConverter.ToUInt64(word) : null;
    }

    public void Dispose() => handle.Dispose();
}
