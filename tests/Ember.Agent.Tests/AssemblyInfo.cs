using System.Runtime.Versioning;

// The agent under test is Linux-only (perf events, BPF, /proc).
[assembly: SupportedOSPlatform("linux")]
