using System.Globalization;
using Ember.PowerShell.Backends;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Pipeline;

/// <summary>
/// Verify steps 3 to 5 against the profile store: the service's profiles landed recently, their hot
/// path is symbolized, and a span-filtered profile is non-empty.
/// </summary>
internal sealed class BackendChecks(IProfileStore store, ProfileQuery serviceQuery, TimeSpan within, double maxUnknownShare, string? spanId)
{
    public const string ProfilesLandedCheck = "ProfilesLanded";
    public const string SymbolizationCheck = "Symbolization";
    public const string SpanCorrelationCheck = "SpanCorrelation";

    public async Task<IReadOnlyList<PipelineCheck>> RunAsync(CancellationToken cancellationToken)
    {
        var until = DateTimeOffset.UtcNow;
        var from = until - within;
        Pprof.Profile profile;
        try
        {
            profile = await store.MergeAsync(serviceQuery, from, until, cancellationToken).ConfigureAwait(false);
        }
        catch (ProfileStoreException e)
        {
            var remedy = e.IsUnreachable
                ? $"{store.Name} is unreachable: check the address, the port and network policies."
                : "Check the query's profile type and labels, the tenant and the token.";
            return
            [
                PipelineCheck.Fail(ProfilesLandedCheck, e.Message, remedy),
                PipelineCheck.Fail(SymbolizationCheck, "skipped: no profile to inspect", remedy),
                PipelineCheck.Fail(SpanCorrelationCheck, "skipped: no profile to inspect", remedy),
            ];
        }

        var total = profile.Samples.Sum(static s => s.Values.Count == 0 ? 0 : Math.Abs(s.Values[^1]));
        var minutes = within.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture);
        if (total == 0)
        {
            return
            [
                PipelineCheck.Fail(ProfilesLandedCheck, $"{store.Name} has no {serviceQuery} samples in the last {minutes} minutes", Remedies.NoProfiles),
                PipelineCheck.Fail(SymbolizationCheck, "skipped: no profile to inspect", Remedies.NoProfiles),
                PipelineCheck.Fail(SpanCorrelationCheck, "skipped: no profile to inspect", Remedies.NoProfiles),
            ];
        }

        var landed = PipelineCheck.Pass(ProfilesLandedCheck,
            string.Create(CultureInfo.InvariantCulture, $"{profile.Samples.Count} stacks, {total} {profile.SampleTypes[^1].Unit} of {serviceQuery} in the last {minutes} minutes"));
        return [landed, CheckSymbols(profile), await CheckSpanAsync(profile, from, until, cancellationToken).ConfigureAwait(false)];
    }

    private PipelineCheck CheckSymbols(Pprof.Profile profile)
    {
        var (share, binaries) = UnsymbolizedFrames.Measure(profile);
        var detail = string.Create(CultureInfo.InvariantCulture, $"{share * 100:0.0}% of the hot path is [unknown] or hex frames (limit {maxUnknownShare * 100:0.0}%)");
        if (share <= maxUnknownShare)
        {
            return PipelineCheck.Pass(SymbolizationCheck, detail);
        }

        return PipelineCheck.Fail(SymbolizationCheck, detail + "; in " + string.Join(", ", binaries.Take(5)), Remedies.MissingDebugInfo);
    }

    private async Task<PipelineCheck> CheckSpanAsync(Pprof.Profile profile, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var span = spanId ?? profile.Samples.SelectMany(static s => s.Labels).FirstOrDefault(static l => l.Key == "span_id" && !string.IsNullOrEmpty(l.Str))?.Str;
        if (span is null)
        {
            return PipelineCheck.Fail(SpanCorrelationCheck, "no -SpanId given and no sample of the profile carries a span_id label", Remedies.NoSpanProfile);
        }

        try
        {
            var total = await store.SpanTotalAsync(serviceQuery, span, from, until, cancellationToken).ConfigureAwait(false);
            return total > 0
                ? PipelineCheck.Pass(SpanCorrelationCheck, string.Create(CultureInfo.InvariantCulture, $"span {span}: {total} in its profile"))
                : PipelineCheck.Fail(SpanCorrelationCheck, $"the profile of span {span} is empty", Remedies.NoSpanProfile);
        }
        catch (ProfileStoreException e)
        {
            return PipelineCheck.Fail(SpanCorrelationCheck, e.Message, Remedies.NoSpanProfile);
        }
    }
}
