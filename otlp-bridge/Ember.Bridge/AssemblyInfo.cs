using System.Runtime.Versioning;

// The central symbolizer uses Ember.Symbols (ELF, DWARF), a Linux library like the agent; the bridge ships for Linux.
[assembly: SupportedOSPlatform("linux")]
