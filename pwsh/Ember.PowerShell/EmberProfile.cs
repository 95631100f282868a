using Ember.Profiles;
using Ember.Profiles.IO;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell;

/// <summary>
/// A profile as the module's cmdlets pass it along the pipeline: where it came from, a summary for
/// the table view, and the profile itself (<see cref="Document"/>) for the other cmdlets.
/// </summary>
public sealed class EmberProfile
{
    /// <summary>Wraps a loaded profile.</summary>
    public EmberProfile(ProfileDocument document, string source)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(source);
        Document = document;
        Source = source;
    }

    /// <summary>The file path or query the profile came from.</summary>
    public string Source { get; }

    /// <summary>The profile, convertible between pprof and OTLP.</summary>
    public ProfileDocument Document { get; }

    /// <summary>The profile as pprof.</summary>
    public Pprof.Profile Pprof => Document.Pprof;

    /// <summary>The format the profile was read in.</summary>
    public string Format => ProfileFormats.Name(Document.SourceFormat);

    /// <summary>Sample types as <c>type/unit</c>.</summary>
    public IReadOnlyList<string> SampleTypes => [.. Pprof.SampleTypes.Select(static t => t.ToString())];

    /// <summary>Number of distinct stacks (pprof samples).</summary>
    public int SampleCount => Pprof.Samples.Count;

    /// <summary>When profiling started (UTC), or null when the profile does not say.</summary>
    public DateTimeOffset? Start => Pprof.TimeNanos == 0 ? null : DateTimeOffset.UnixEpoch.AddTicks(Pprof.TimeNanos / 100);

    /// <summary>How long the profile covers.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(Pprof.DurationNanos / 100);

    /// <summary>The default sample type's values summed, with its unit.</summary>
    public string Total
    {
        get
        {
            if (Pprof.SampleTypes.Count == 0)
            {
                return "0";
            }

            var index = Ember.Profiles.Rendering.CallTree.DefaultSampleTypeIndex(Pprof);
            var sum = Pprof.Samples.Where(s => s.Values.Count > index).Sum(s => s.Values[index]);
            return FormattableString.Invariant($"{sum} {Pprof.SampleTypes[index].Unit}");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Source;
}
