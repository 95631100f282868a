using Otlp = Ember.Profiles.Otlp;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.Profiles.Rendering;

/// <summary>
/// A canonical, deterministic text form of a profile model, for golden tests and for comparing two
/// models: two models that mean the same dump to the same text, and a change to any field changes it.
/// </summary>
/// <remarks>
/// <para>The canonical form, one item per line, nesting shown by two-space indents:</para>
/// <list type="bullet">
/// <item>Every field of the model appears, empty or not, in a fixed order; numbers are
/// culture-invariant decimals, addresses and offsets lowercase <c>0x</c> hex, strings double-quoted with
/// C-style escapes (so each item stays on one line), byte strings <c>bytes(hex)</c>, OTLP values typed
/// (<c>1</c>, <c>double(1)</c>, <c>"1"</c> differ) and the original payload as its length and SHA-256.</item>
/// <item>Object identity never matters: functions, mappings and locations are identified by their
/// content, so two equal functions referenced from different lines are one function. Functions and
/// mappings are numbered <c>F1, F2…</c> and <c>M1, M2…</c> in the order the dump first mentions them and
/// listed with all their fields at the end; locations are written out in each stack.</item>
/// <item>Order that carries no meaning is replaced by a sorted one: samples within a profile (by
/// their values, labels or attributes, link and stack), labels and attributes (by key), kvlist
/// members, and pprof's table entries no sample references (<c>unreferenced_location</c>, and
/// mappings and functions numbered after the referenced ones), which are listed once per distinct
/// content. Order that carries meaning is kept: sample types and values, stacks (leaf first), lines
/// (inlined callees first), comments, timestamps, array elements, entity refs, and the
/// resource/scope/profile nesting.</item>
/// <item>pprof's first mapping is the main binary by the format's own convention, so it is named
/// (<c>main_binary M…</c>); the order of the other mappings is not part of the dump.</item>
/// </list>
/// </remarks>
public static class TextDump
{
    /// <summary>Dumps a pprof profile.</summary>
    public static string Write(Pprof.Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return PprofDump.Write(profile);
    }

    /// <summary>Dumps OTLP profiles data.</summary>
    public static string Write(Otlp.ProfilesData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return OtlpDump.Write(data);
    }
}
