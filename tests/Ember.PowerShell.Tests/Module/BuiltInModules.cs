namespace Ember.PowerShell.Tests.Module;

/// <summary>
/// The Utility, Management and Security modules a user's pwsh session has (Add-Member, Set-Content,
/// ConvertTo-SecureString). A hosted engine has their assemblies but not pwsh's $PSHOME/Modules
/// manifests, and Pester looks its commands up by the module names those manifests give, so the
/// manifests are written once per test run next to the tests.
/// </summary>
internal static class BuiltInModules
{
    private static readonly Lazy<IReadOnlyList<string>> Manifests = new(Write);

    public static IReadOnlyList<string> ManifestPaths => Manifests.Value;

    private static IReadOnlyList<string> Write()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "host-modules");
        return
        [
            WriteManifest(root, "Microsoft.PowerShell.Utility", typeof(Microsoft.PowerShell.Commands.AddMemberCommand)),
            WriteManifest(root, "Microsoft.PowerShell.Management", typeof(Microsoft.PowerShell.Commands.SetContentCommand)),
            WriteManifest(root, "Microsoft.PowerShell.Security", typeof(Microsoft.PowerShell.Commands.ConvertToSecureStringCommand)),
        ];
    }

    private static string WriteManifest(string root, string name, Type cmdlet)
    {
        var directory = Directory.CreateDirectory(Path.Combine(root, name));
        var path = Path.Combine(directory.FullName, name + ".psd1");
        File.WriteAllText(path, $$"""
            @{
                ModuleVersion = '7.0.0.0'
                NestedModules = @('{{cmdlet.Assembly.Location.Replace("'", "''")}}')
                CmdletsToExport = '*'
                AliasesToExport = '*'
                FunctionsToExport = @()
            }
            """);
        return path;
    }
}
