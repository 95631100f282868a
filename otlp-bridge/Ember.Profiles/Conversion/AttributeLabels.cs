using Ember.Profiles.Otlp;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Conversion;

/// <summary>
/// OTLP attribute values as pprof labels: ints become numeric labels with the attribute's unit,
/// arrays become one label per element (a repeated key), everything else becomes a string label with
/// the value's text (bools "true"/"false", doubles round-trip formatted, bytes as hex).
/// </summary>
internal static class AttributeLabels
{
    public static P.Label[] Of(string key, AnyValue value, string unit)
    {
        if (value.Kind != AnyValueKind.Array)
        {
            return [Scalar(key, value, unit)];
        }

        var elements = value.ArrayValue!;
        var labels = new P.Label[elements.Count];
        for (var index = 0; index < labels.Length; index++)
        {
            labels[index] = Scalar(key, elements[index], unit);
        }

        return labels;
    }

    private static P.Label Scalar(string key, AnyValue value, string unit) =>
        value.Kind == AnyValueKind.Int ? P.Label.Number(key, value.IntValue, unit) : P.Label.String(key, value.ToString());
}
