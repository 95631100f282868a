using System.Runtime.Versioning;

// The tests compile and run real Linux binaries and read /proc.
[assembly: SupportedOSPlatform("linux")]
