using System.Management.Automation;
using Ember.Profiles.IO;
using Ember.Profiles.Rendering;

namespace Ember.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Writes a profile as pprof, OTLP (binary or JSON), folded stacks or an HTML flame graph.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "Profile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportProfileCommand : EmberCmdlet
{
    /// <summary>Error ID: the target exists and -Force was not given.</summary>
    public const string ExistsError = "ProfileFileExists";

    /// <summary>Error ID: the file could not be written.</summary>
    public const string WriteFailedError = "ProfileWriteFailed";

    /// <summary>Error ID: the profile cannot be rendered in that format.</summary>
    public const string RenderError = "ProfileRenderFailed";

    #region Parameters

    /// <summary>The profile to write (from Import-Profile or Get-Profile, or a path).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ProfileTransformation]
    public EmberProfile InputObject { get; set; } = null!;

    /// <summary>The file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The format; by default from the extension (pprof when it says nothing).</summary>
    [Parameter]
    [ValidateSet("pprof", "otlp", "otlp-json", "folded", "html")]
    public string? Format { get; set; }

    /// <summary>Title of an HTML flame graph.</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Outputs the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    #endregion

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var target = GetUnresolvedProviderPathFromPSPath(Path);
        var format = Format is not null && ProfileFormats.TryParse(Format, out var named) ? named
            : ProfileFormats.FromPath(target) ?? ProfileFormat.Pprof;
        if (File.Exists(target) && !Force)
        {
            WriteError(new IOException($"{target} exists; use -Force to overwrite it"), ExistsError, ErrorCategory.ResourceExists, target);
            return;
        }

        if (!ShouldProcess(target, $"Write {InputObject.Source} as {ProfileFormats.Name(format)}"))
        {
            return;
        }

        byte[] bytes;
        try
        {
            bytes = InputObject.Document.Write(format, new FlameGraphOptions { Title = Title ?? InputObject.Source });
        }
        catch (ArgumentException e)
        {
            WriteError(e, RenderError, ErrorCategory.InvalidData, InputObject);
            return;
        }

        try
        {
            ProfileFiles.WriteAtomically(target, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(e, WriteFailedError, ErrorCategory.WriteError, target);
            return;
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(target));
        }
    }
}
