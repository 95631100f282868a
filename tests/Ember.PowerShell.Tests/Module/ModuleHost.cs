using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Ember.PowerShell.Tests.Module;

/// <summary>
/// The real PowerShell engine with the Ember module imported from its build output folder, as a
/// runbook would: <c>Import-Module .../Ember.psd1</c>. One runspace per test.
/// </summary>
public sealed class ModuleHost : IDisposable
{
    private readonly Runspace _runspace;

    public ModuleHost()
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule([.. BuiltInModules.ManifestPaths]);
        _runspace = RunspaceFactory.CreateRunspace(Host, state);
        _runspace.Open();
        var import = Run($"Import-Module -Name '{ManifestPath}' -PassThru").ThrowOnErrors();
        ImportWarnings = import.Warnings;
        Module = (PSModuleInfo)import.Output.Single().BaseObject;
    }

    /// <summary>The module's build output folder (same configuration as the tests).</summary>
    public static string ModuleDirectory
    {
        get
        {
            // artifacts/bin/Ember.PowerShell.Tests/<config>/ → artifacts/bin/Ember.PowerShell/<config>/
            var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var directory = Path.Combine(testDirectory.Parent!.Parent!.FullName, "Ember.PowerShell", testDirectory.Name);
            return File.Exists(Path.Combine(directory, "Ember.psd1"))
                ? directory
                : throw new DirectoryNotFoundException($"the module was not built into {directory}");
        }
    }

    public static string ManifestPath => Path.Combine(ModuleDirectory, "Ember.psd1");

    public PSModuleInfo Module { get; }

    /// <summary>What the engine showed the user: progress, What if: lines.</summary>
    public RecordingHost Host { get; } = new();

    public IReadOnlyList<WarningRecord> ImportWarnings { get; }

    /// <summary>A shell on the module's runspace with the script added, for tests that drive it themselves (Stop).</summary>
    public System.Management.Automation.PowerShell CreateShell(string script)
    {
        var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        return shell;
    }

    /// <summary>Runs a script in the module's runspace, collecting every stream.</summary>
    public Invocation Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = _runspace;
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            _runspace.SessionStateProxy.SetVariable(name, value);
        }

        shell.AddScript(script);
        Collection<PSObject> output;
        Exception? terminating = null;
        try
        {
            output = shell.Invoke();
        }
        catch (RuntimeException e)
        {
            output = [];
            terminating = e;
        }

        var progress = new List<ProgressRecord>();
        while (Host.Progress.TryDequeue(out var record))
        {
            progress.Add(record);
        }

        var lines = new List<string>();
        while (Host.Lines.TryDequeue(out var line))
        {
            lines.Add(line);
        }

        return new Invocation(output, [.. shell.Streams.Error], [.. shell.Streams.Warning], progress, lines,
            [.. shell.Streams.Verbose], [.. shell.Streams.Debug], terminating);
    }

    public void Dispose() => _runspace.Dispose();
}

/// <summary>What a script produced on each stream; <see cref="Terminating"/> when it threw.</summary>
public sealed record Invocation(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<WarningRecord> Warnings,
    IReadOnlyList<ProgressRecord> Progress,
    IReadOnlyList<string> HostLines,
    IReadOnlyList<VerboseRecord> Verbose,
    IReadOnlyList<DebugRecord> Debug,
    Exception? Terminating)
{
    /// <summary>Fails with the errors' text when the script reported any.</summary>
    public Invocation ThrowOnErrors()
    {
        if (Terminating is not null)
        {
            throw new InvalidOperationException("the script threw: " + Terminating.Message, Terminating);
        }

        if (Errors.Count > 0)
        {
            throw new InvalidOperationException("the script wrote errors: " + string.Join("; ", Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}")));
        }

        return this;
    }

    /// <summary>A property of an output object.</summary>
    public static T Property<T>(PSObject item, string name) => (T)item.Properties[name]!.Value;
}
