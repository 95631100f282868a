namespace Ember.Symbols.Kernel;

/// <summary>A kernel text symbol.</summary>
/// <param name="Name">Symbol name, e.g. <c>vfs_read</c>.</param>
/// <param name="Address">Start address.</param>
/// <param name="Module">Loadable module that defines it (<c>[ext4]</c> → <c>ext4</c>), or null for the core kernel.</param>
public readonly record struct KernelSymbol(string Name, ulong Address, string? Module);
