using Ember.PowerShell.Tests.Module;

namespace Ember.PowerShell.Tests.Pester;

/// <summary>
/// Runs the module's Pester suite (<c>tests/Ember.PowerShell.Tests/*.Tests.ps1</c>) with Pester 5
/// from its NuGet package, in the engine that hosts the module, so a failing Pester test fails
/// this test and with it <c>build.ps1 -Test</c> and CI. The results go to
/// <c>artifacts/test-results/pester.xml</c> in NUnit XML, as <c>Invoke-Pester -CI</c> writes them.
/// </summary>
public sealed class PesterSuiteTests : IDisposable
{
    private readonly ModuleHost _host = new();

    [Fact]
    public void The_pester_suite_passes_and_writes_nunit_xml()
    {
        var suite = Path.Combine(SourceDirectory, "tests", "Ember.PowerShell.Tests");
        var results = Path.Combine(SourceDirectory, "artifacts", "test-results", "pester.xml");
        Directory.CreateDirectory(Path.GetDirectoryName(results)!);
        File.Delete(results);
        var script = $$"""
            Import-Module '{{Path.Combine(AppContext.BaseDirectory, "Pester", "Pester.psd1")}}' -Force
            $configuration = New-PesterConfiguration
            $configuration.Run.Path = '{{suite}}'
            $configuration.Run.PassThru = $true
            $configuration.TestResult.Enabled = $true
            $configuration.TestResult.OutputFormat = 'NUnitXml'
            $configuration.TestResult.OutputPath = '{{results}}'
            $configuration.Output.Verbosity = 'None'
            Invoke-Pester -Configuration $configuration
            """;

        var run = _host.Run(script).ThrowOnErrors().Output.Single();

        var failed = ((IEnumerable<object>)Invocation.Property<object>(run, "Failed")).Cast<System.Management.Automation.PSObject>()
            .Select(t => $"{Invocation.Property<string>(t, "ExpandedPath")}: {Message(t)}").ToList();
        Assert.True(failed.Count == 0, "Pester tests failed:\n" + string.Join("\n", failed));
        Assert.True(Invocation.Property<int>(run, "PassedCount") >= 15, $"only {Invocation.Property<int>(run, "PassedCount")} Pester tests passed");
        Assert.Equal(0, Invocation.Property<int>(run, "NotRunCount") + Invocation.Property<int>(run, "SkippedCount"));
        var xml = System.Xml.Linq.XDocument.Load(results);
        Assert.Equal("0", xml.Root!.Attribute("failures")!.Value);
        Assert.Equal(Invocation.Property<int>(run, "PassedCount").ToString(System.Globalization.CultureInfo.InvariantCulture), xml.Root.Attribute("total")!.Value);
    }

    private static string Message(System.Management.Automation.PSObject test) =>
        string.Join("; ", ((IEnumerable<object>)Invocation.Property<object>(test, "ErrorRecord")).Select(e => e.ToString()));

    /// <summary>The repository root: artifacts/bin/Ember.PowerShell.Tests/&lt;config&gt;/ is four levels below it.</summary>
    private static string SourceDirectory => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));

    public void Dispose() => _host.Dispose();
}
