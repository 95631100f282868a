namespace Ember.Symbols.Go;

/// <summary>Layout generation of a Go <c>pclntab</c>, identified by its magic number.</summary>
public enum GoPclnVersion
{
    /// <summary>Go 1.16 and 1.17 (magic <c>0xfffffffa</c>): absolute entry PCs in the function table.</summary>
    Go116,

    /// <summary>Go 1.18 and 1.19 (magic <c>0xfffffff0</c>): 32-bit entry offsets from the text start.</summary>
    Go118,

    /// <summary>Go 1.20 and later (magic <c>0xfffffff1</c>): as 1.18, with a start line per function.</summary>
    Go120,
}
