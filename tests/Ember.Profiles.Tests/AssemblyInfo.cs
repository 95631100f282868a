using System.Runtime.Versioning;

// ember-bridge ships for Linux (its symbolizer reads ELF and DWARF through Ember.Symbols), and so do its tests.
[assembly: SupportedOSPlatform("linux")]
