using System.Globalization;
using System.Management.Automation;
using Ember.PowerShell.Analysis;

namespace Ember.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Ranks functions by CPU cost: CPU-seconds, share and average cores.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProfileTopFunction")]
[OutputType(typeof(TopFunction))]
public sealed class GetProfileTopFunctionCommand : EmberCmdlet
{
    /// <summary>Error ID: a profile cannot be ranked (no sample types, or units that do not add up).</summary>
    public const string RankError = "ProfileRankFailed";

    private TopFunctions? _aggregate;
    private int _aggregated;

    #region Parameters

    /// <summary>Profiles to rank (from Import-Profile or Get-Profile, or paths).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ProfileTransformation]
    public EmberProfile[] InputObject { get; set; } = [];

    /// <summary>How many functions to return.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Top { get; set; } = 10;

    /// <summary>Rank by time in the function itself (Self) or including callees (Total).</summary>
    [Parameter]
    public CostMeasure By { get; set; } = CostMeasure.Self;

    /// <summary>Ranks all profiles from the pipeline together instead of each on its own.</summary>
    [Parameter]
    public SwitchParameter Aggregate { get; set; }

    #endregion

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (var profile in InputObject)
        {
            var ranking = Aggregate ? _aggregate ??= new TopFunctions() : new TopFunctions();
            try
            {
                ranking.Add(profile.Pprof);
                _aggregated += Aggregate ? 1 : 0;
            }
            catch (ArgumentException e)
            {
                WriteError(e, RankError, ErrorCategory.InvalidData, profile);
                continue;
            }

            if (!Aggregate)
            {
                WriteObject(ranking.Rank(Top, By, profile.Source), enumerateCollection: true);
            }
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_aggregate is not null)
        {
            WriteObject(_aggregate.Rank(Top, By, string.Create(CultureInfo.InvariantCulture, $"{_aggregated} profiles")), enumerateCollection: true);
        }
    }
}
