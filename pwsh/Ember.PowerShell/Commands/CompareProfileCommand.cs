using System.Management.Automation;
using System.Text;
using Ember.PowerShell.Analysis;
using Ember.Profiles.IO;
using Ember.Profiles.Rendering;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Compares two profiles function by function, with 95% confidence intervals (pprof -diff_base for runbooks).</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "Profile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FunctionChange))]
public sealed class CompareProfileCommand : EmberCmdlet
{
    /// <summary>Error ID: the profiles cannot be compared (no sample counts, different sample types).</summary>
    public const string CompareError = "ProfileCompareFailed";

    /// <summary>Error ID: -OutFile or -AsPprof could not be written.</summary>
    public const string WriteFailedError = "ProfileWriteFailed";

    #region Parameters

    /// <summary>The baseline ("before") profile.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ProfileTransformation]
    public EmberProfile ReferenceProfile { get; set; } = null!;

    /// <summary>The profile compared with the baseline ("after").</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [ProfileTransformation]
    public EmberProfile DifferenceProfile { get; set; } = null!;

    /// <summary>Compare self share (default) or total share.</summary>
    [Parameter]
    public CostMeasure By { get; set; } = CostMeasure.Self;

    /// <summary>Writes a diff flame graph (HTML) here.</summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <summary>Writes a diff profile here, base values negated, which go tool pprof reads.</summary>
    [Parameter]
    public string? AsPprof { get; set; }

    #endregion

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var before = ReferenceProfile.Pprof;
        var after = DifferenceProfile.Pprof;
        try
        {
            WriteObject(ProfileComparison.Compare(before, after, By), enumerateCollection: true);
            if (OutFile is not null)
            {
                var title = $"{ReferenceProfile.Source} → {DifferenceProfile.Source}";
                Write(OutFile, "Write diff flame graph", () => Encoding.UTF8.GetBytes(FlameGraphHtml.RenderDiff(before, after, new FlameGraphOptions { Title = title })));
            }

            if (AsPprof is not null)
            {
                Write(AsPprof, "Write diff profile", () => Pprof.PprofCodec.EncodeGzip(DiffProfile.Build(before, after)));
            }
        }
        catch (ArgumentException e)
        {
            WriteError(e, CompareError, ErrorCategory.InvalidData, DifferenceProfile);
        }
    }

    private void Write(string path, string action, Func<byte[]> render)
    {
        var target = GetUnresolvedProviderPathFromPSPath(path);
        if (!ShouldProcess(target, action))
        {
            return;
        }

        try
        {
            ProfileFiles.WriteAtomically(target, render());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(e, WriteFailedError, ErrorCategory.WriteError, target);
        }
    }
}
