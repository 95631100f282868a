using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Ember.Symbols.Processes;

namespace Ember.Agent.Symbolization.Runtimes;

/// <summary>
/// Talks to a running .NET process (8+) over its diagnostics IPC socket
/// (<c>$TMPDIR/dotnet-diagnostic-PID-KEY-socket</c>, found through /proc/PID/root and the PID its
/// namespace gives it), the protocol <c>dotnet-trace</c> and <c>dotnet-counters</c> use: a 20-byte
/// header (magic <c>DOTNET_IPC_V1</c>, size, command set, command id) and a little-endian payload.
/// </summary>
internal static class DotnetDiagnosticsClient
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("DOTNET_IPC_V1\0");
    private const int HeaderBytes = 20;
    private const byte ProcessCommandSet = 0x04;
    private const byte EnablePerfMapCommand = 0x05;
    private const byte ServerCommandSet = 0xFF;
    private const byte ServerOk = 0x00;

    /// <summary>The runtime's PerfMapType for /tmp/perf-PID.map alone (no jitdump, no perfinfo files).</summary>
    private const uint PerfMapOnly = 3;

    /// <summary>
    /// Asks <paramref name="pid"/>'s runtime to write /tmp/perf-PID.map from now on, with the methods
    /// it compiled already, as <c>DOTNET_PerfMapEnabled=3</c> would have from its start.
    /// </summary>
    /// <exception cref="RuntimeAttachException">No diagnostics socket, the connection failed, or the runtime refused (older than .NET 8, diagnostics disabled).</exception>
    public static void EnablePerfMap(string procRoot, int pid, TimeSpan timeout)
    {
        var socketPath = FindSocket(procRoot, pid);
        var request = new byte[HeaderBytes + sizeof(uint)];
        WriteHeader(request, ProcessCommandSet, EnablePerfMapCommand);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(HeaderBytes), PerfMapOnly);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            {
                SendTimeout = (int)timeout.TotalMilliseconds, ReceiveTimeout = (int)timeout.TotalMilliseconds,
            };
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.Send(request);
            var response = new byte[HeaderBytes + sizeof(uint)];
            ReceiveExactly(socket, response);
            if (!response.AsSpan(0, Magic.Length).SequenceEqual(Magic) || response[16] != ServerCommandSet)
            {
                throw new RuntimeAttachException($"process {pid}: {socketPath} answered with something other than a diagnostics IPC response");
            }

            var hresult = BinaryPrimitives.ReadUInt32LittleEndian(response.AsSpan(HeaderBytes));
            if (response[17] != ServerOk)
            {
                throw new RuntimeAttachException(string.Create(CultureInfo.InvariantCulture, $"process {pid}: the runtime refused EnablePerfMap (HRESULT 0x{hresult:x8}; it needs .NET 8 or later)"));
            }
        }
        catch (SocketException ex)
        {
            throw new RuntimeAttachException($"process {pid}: diagnostics socket {socketPath}: {ex.Message}", ex);
        }
    }

    private static void WriteHeader(Span<byte> message, byte commandSet, byte commandId)
    {
        Magic.CopyTo(message);
        BinaryPrimitives.WriteUInt16LittleEndian(message[14..], (ushort)message.Length);
        message[16] = commandSet;
        message[17] = commandId;
        BinaryPrimitives.WriteUInt16LittleEndian(message[18..], 0);
    }

    private static void ReceiveExactly(Socket socket, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            buffer = buffer[read..];
        }
    }

    /// <summary>The socket in the process's own /tmp (or $TMPDIR), named with the PID its namespace gives it.</summary>
    private static string FindSocket(string procRoot, int pid)
    {
        var pidText = pid.ToString(CultureInfo.InvariantCulture);
        var root = Path.Combine(procRoot, pidText, "root");
        var directory = root + (TemporaryDirectory(procRoot, pidText) ?? "/tmp");
        var pattern = $"dotnet-diagnostic-{NamespacePid.Read(procRoot, pid).ToString(CultureInfo.InvariantCulture)}-*-socket";
        try
        {
            // Several sockets (a restarted runtime's leftovers): the newest is the live one.
            return new DirectoryInfo(directory).EnumerateFiles(pattern).OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault()?.FullName
                ?? throw new RuntimeAttachException($"process {pid}: no {pattern} in {directory} (not .NET Core 3+, or DOTNET_EnableDiagnostics=0)");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeAttachException($"process {pid}: {directory} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>The process's TMPDIR, where the runtime puts its socket; null for the default.</summary>
    private static string? TemporaryDirectory(string procRoot, string pid)
    {
        try
        {
            var environment = File.ReadAllText(Path.Combine(procRoot, pid, "environ"));
            return environment.Split('\0').FirstOrDefault(v => v.StartsWith("TMPDIR=/", StringComparison.Ordinal))?["TMPDIR=".Length..].TrimEnd('/');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
