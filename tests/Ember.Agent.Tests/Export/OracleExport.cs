using Ember.Profiles.Tests.Oracle.Collector;
using Ember.Profiles.Tests.Oracle.Profiles;

namespace Ember.Agent.Tests.Export;

/// <summary>
/// Reads an export request with the Google.Protobuf types generated from the pinned .proto files,
/// resolving the dictionary indices by hand, so a codec bug on both sides cannot hide.
/// </summary>
internal sealed class OracleExport
{
    private readonly ExportProfilesServiceRequest _request;

    /// <summary>Parses an export request, or an OTLP profile file (ProfilesData has the same two fields).</summary>
    public OracleExport(byte[] message) => _request = ExportProfilesServiceRequest.Parser.ParseFrom(message);

    private ProfilesDictionary Dictionary => _request.Dictionary;

    /// <summary>Number of resources (one per process).</summary>
    public int ResourceCount => _request.ResourceProfiles.Count;

    /// <summary>The resource attributes of every resource, keyed by their attribute key.</summary>
    public IEnumerable<IReadOnlyDictionary<string, string>> Resources =>
        _request.ResourceProfiles.Select(r => (IReadOnlyDictionary<string, string>)r.Resource.Attributes.ToDictionary(a => a.Key, a => a.Value.ValueCase == Ember.Profiles.Tests.Oracle.Common.AnyValue.ValueOneofCase.IntValue ? a.Value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : a.Value.StringValue, StringComparer.Ordinal));

    /// <summary>Sample counts by leaf function name, over every profile of the request.</summary>
    public IReadOnlyDictionary<string, long> SelfSamplesByFunction()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sample in _request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).SelectMany(p => p.Samples))
        {
            var locations = Dictionary.StackTable[sample.StackIndex].LocationIndices;
            if (locations.Count == 0)
            {
                continue;
            }

            var lines = Dictionary.LocationTable[locations[0]].Lines;
            var name = lines.Count == 0 ? "[no line]" : FunctionName(lines[0].FunctionIndex);
            counts[name] = counts.GetValueOrDefault(name) + sample.Values.Sum();
        }

        return counts;
    }

    /// <summary>Every sample's stack, leaf first, as (function name, profile.frame.type) pairs, with its count.</summary>
    public IEnumerable<(long Count, (string Name, string FrameType)[] Frames)> Stacks() =>
        _request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).SelectMany(p => p.Samples)
            .Select(sample => (sample.Values.Sum(), Dictionary.StackTable[sample.StackIndex].LocationIndices.Select(Frame).ToArray()));

    /// <summary>The stacks (leaf first) of every resource, keyed by its <c>process.pid</c>.</summary>
    public IReadOnlyDictionary<long, List<(long Count, (string Name, string FrameType)[] Frames)>> StacksByPid() =>
        _request.ResourceProfiles
            .GroupBy(r => r.Resource.Attributes.Single(a => a.Key == "process.pid").Value.IntValue)
            .ToDictionary(g => g.Key, g => g.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).SelectMany(p => p.Samples)
                .Select(sample => (sample.Values.Sum(), Dictionary.StackTable[sample.StackIndex].LocationIndices.Select(Frame).ToArray())).ToList());

    private (string Name, string FrameType) Frame(int locationIndex)
    {
        var location = Dictionary.LocationTable[locationIndex];
        var name = location.Lines.Count == 0 ? "[no line]" : FunctionName(location.Lines[0].FunctionIndex);
        var frameType = location.AttributeIndices.Select(i => Dictionary.AttributeTable[i])
            .Where(a => Dictionary.StringTable[a.KeyStrindex] == "profile.frame.type")
            .Select(a => a.Value.StringValue).FirstOrDefault() ?? "";
        return (name, frameType);
    }

    private string FunctionName(int functionIndex) => Dictionary.StringTable[Dictionary.FunctionTable[functionIndex].NameStrindex];
}
