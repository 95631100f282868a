namespace Ember.Symbols.Go;

/// <summary>A function from a Go <c>pclntab</c> and the address range it covers.</summary>
/// <param name="Name">Fully qualified Go name, e.g. <c>main.(*counter).add</c> or <c>pkg.Sum[go.shape.int_0]</c>.</param>
/// <param name="Entry">Entry PC (ELF virtual address).</param>
/// <param name="End">Address one past the function's last byte (the next function's entry).</param>
public readonly record struct GoFunction(string Name, ulong Entry, ulong End);

/// <summary>Where a PC is in Go source.</summary>
/// <param name="Function">The function containing the PC (the outermost one when code was inlined).</param>
/// <param name="File">Source file path as compiled, or null when the table has none for this PC.</param>
/// <param name="Line">Line number, or null when the table has none for this PC (alignment padding).</param>
public readonly record struct GoSourceLocation(GoFunction Function, string? File, int? Line);
