namespace Ember.Agent.Python;

/// <summary>A CPython interpreter found in a process.</summary>
/// <param name="Version">"3.11".</param>
/// <param name="Layout">Its version's struct offsets.</param>
/// <param name="Runtime">Address of <c>_PyRuntime</c> in the process.</param>
/// <param name="CodeType">Address of <c>PyCode_Type</c>: a code object's ob_type, to tell one from reused memory.</param>
public sealed record CPythonProcess(string Version, CPythonLayout Layout, ulong Runtime, ulong CodeType);
