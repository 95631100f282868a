using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Tests.Conversion;

/// <summary>The round-trip tests are only as strong as the comparer: it must see every field.</summary>
public class PprofComparerTests
{
    [Fact]
    public void Comparer_ignores_object_identity()
    {
        Assert.Empty(PprofComparer.Differences(PprofFixtures.Cpu(), PprofFixtures.Cpu()));
    }

    [Theory]
    [InlineData("sample value", "samples[0].values")]
    [InlineData("sample order", "samples[0]")]
    [InlineData("stack order", "samples[0].locations")]
    [InlineData("numeric label unit", "samples[2].labels")]
    [InlineData("order of a repeated label key", "samples[2].labels")]
    [InlineData("inlined line column", "locations")]
    [InlineData("function system name", "functions")]
    [InlineData("mapping build id", "mappings")]
    [InlineData("mapping flag", "mappings")]
    [InlineData("folded flag", "locations")]
    [InlineData("comment", "comments")]
    [InlineData("default sample type", "defaultSampleType")]
    [InlineData("period type", "periodType")]
    [InlineData("duration", "durationNanos")]
    [InlineData("doc url", "docUrl")]
    [InlineData("keep frames", "keepFrames")]
    public void Comparer_reports_a_changed(string change, string path)
    {
        var changed = PprofFixtures.Cpu();
        switch (change)
        {
            case "sample value": changed.Samples[0].Values[1]++; break;
            case "sample order": changed.Samples.Reverse(); break;
            case "stack order": changed.Samples[0].Locations.Reverse(); break;
            case "numeric label unit": changed.Samples[2].Labels[2] = P.Label.Number("retry", 1, "seconds"); break;
            case "order of a repeated label key": changed.Samples[2].Labels.Reverse(0, 2); break;
            case "inlined line column": changed.Locations[2].Lines[0].Column++; break;
            case "function system name": changed.Functions[6].SystemName = "_ZN7Billing6chargeEl"; break;
            case "mapping build id": changed.Mappings[1].BuildId = "ffff"; break;
            case "mapping flag": changed.Mappings[0].HasInlineFrames = false; break;
            case "folded flag": changed.Locations[4].IsFolded = false; break;
            case "comment": changed.Comments.RemoveAt(1); break;
            case "default sample type": changed.DefaultSampleType = "samples"; break;
            case "period type": changed.PeriodType = new ProfileValueType("cpu", "microseconds"); break;
            case "duration": changed.DurationNanos++; break;
            case "doc url": changed.DocUrl = string.Empty; break;
            case "keep frames": changed.KeepFrames = string.Empty; break;
            default: throw new ArgumentOutOfRangeException(nameof(change));
        }

        var differences = PprofComparer.Differences(PprofFixtures.Cpu(), changed);

        Assert.Contains(differences, d => d.StartsWith(path, StringComparison.Ordinal));
    }
}
