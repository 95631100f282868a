using System.Runtime.Versioning;

// Symbolization reads /proc and ELF files: the library only runs on Linux, like the agent.
[assembly: SupportedOSPlatform("linux")]
