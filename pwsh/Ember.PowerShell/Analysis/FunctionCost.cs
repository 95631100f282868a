namespace Ember.PowerShell.Analysis;

/// <summary>Value spent in a function itself (<paramref name="Self"/>) and in it plus its callees (<paramref name="Total"/>).</summary>
internal readonly record struct FunctionCost(long Self, long Total);
