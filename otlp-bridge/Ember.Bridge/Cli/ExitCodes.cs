namespace Ember.Bridge.Cli;

/// <summary>Process exit codes, as DESIGN.md fixes them for every Ember command.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
}
