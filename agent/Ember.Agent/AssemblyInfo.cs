using System.Runtime.Versioning;

// The agent samples through Linux perf events and BPF and reads /proc: it only runs on Linux.
[assembly: SupportedOSPlatform("linux")]
