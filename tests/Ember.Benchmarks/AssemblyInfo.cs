using System.Runtime.Versioning;

// The benchmarks run the agent's and the bridge's Linux code (ELF, DWARF, BPF).
[assembly: SupportedOSPlatform("linux")]
