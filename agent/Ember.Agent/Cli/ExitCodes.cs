namespace Ember.Agent.Cli;

/// <summary>Process exit codes, as DESIGN.md fixes them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int MissingPrivilege = 3;
}
