using System.Management.Automation;
using System.Reflection;

namespace Ember.PowerShell.Tests.Module;

public sealed class ModuleTests : IDisposable
{
    private static readonly string[] Expected =
    [
        "Compare-Profile", "Export-Profile", "Get-ElfBuildId", "Get-Profile", "Get-ProfileTopFunction", "Import-Profile", "Publish-DebugInfo", "Test-ProfilingPipeline",
    ];

    private readonly ModuleHost _host = new();

    [Fact]
    public void Import_exports_exactly_the_manifest_list_without_warnings()
    {
        Assert.Empty(_host.ImportWarnings);
        Assert.Equal(ModuleType.Binary, _host.Module.ModuleType);
        Assert.Equal(Expected, _host.Module.ExportedCmdlets.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(_host.Module.ExportedFunctions);
        Assert.Single(_host.Module.ExportedFormatFiles);
    }

    [Fact]
    public void Every_cmdlet_in_the_assembly_is_exported_and_uses_an_approved_verb()
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "Ember.PowerShell");
        var cmdlets = assembly.GetExportedTypes()
            .Select(t => t.GetCustomAttribute<CmdletAttribute>())
            .OfType<CmdletAttribute>()
            .Select(a => $"{a.VerbName}-{a.NounName}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(Expected, cmdlets);
        // The approved verbs are the constants of the engine's Verbs* classes.
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsDiagnostic), typeof(VerbsCommunications), typeof(VerbsLifecycle), typeof(VerbsSecurity), typeof(VerbsOther) }
            .SelectMany(t => t.GetFields()).Select(f => (string)f.GetValue(null)!).ToHashSet(StringComparer.Ordinal);
        Assert.All(Expected, name => Assert.Contains(name.Split('-')[0], approved));
    }

    [Fact]
    public void Test_ModuleManifest_accepts_the_manifest()
    {
        var result = _host.Run($"Test-ModuleManifest -Path '{ModuleHost.ManifestPath}'").ThrowOnErrors();
        var manifest = (PSModuleInfo)result.Output.Single().BaseObject;
        Assert.Equal("Ember", manifest.Name);
        Assert.Equal(new Version(7, 6), manifest.PowerShellVersion);
        Assert.Equal(["Core"], manifest.CompatiblePSEditions);
    }

    [Fact]
    public void Every_cmdlet_has_help_with_a_synopsis_and_an_example()
    {
        foreach (var name in Expected)
        {
            var help = _host.Run($"Get-Help {name} -Full").ThrowOnErrors().Output.Single();
            var synopsis = ((string)help.Properties["Synopsis"]!.Value).Trim();
            Assert.False(string.IsNullOrEmpty(synopsis), name);
            Assert.DoesNotContain(name + " ", synopsis + " ", StringComparison.Ordinal); // not the generated "Name [params]" stub
            var examples = _host.Run($"(Get-Help {name} -Examples).examples.example.code").ThrowOnErrors().Output;
            Assert.NotEmpty(examples);
            Assert.Contains(examples, e => ((string)e.BaseObject).Contains(name, StringComparison.Ordinal));
        }
    }

    public void Dispose() => _host.Dispose();
}
