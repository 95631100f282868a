using System.Globalization;
using System.Text;
using Ember.Bridge.Delivery;
using Ember.Bridge.Spooling;
using Ember.Bridge.Telemetry;
using Ember.Profiles.Otlp;
using Ember.Profiles.Validation;

namespace Ember.Bridge.Intake;

/// <summary>
/// Where every receiver hands decoded profiles: validates each profile on its own (an invalid profile
/// is rejected, its neighbours are kept, as OTLP partial_success expects), then appends the valid ones
/// as one record to every sink's spool. Room is checked in all spools before writing to any, so a full
/// spool refuses the whole request (<see cref="SpoolFullException"/>) rather than half of it.
/// </summary>
internal sealed class ProfileIntake
{
    private const int MaxErrorsInMessage = 5;

    private readonly IReadOnlyList<SinkPipeline> _pipelines;
    private readonly BridgeMetrics _metrics;
    private readonly Lock _appendLock = new();

    public ProfileIntake(IReadOnlyList<SinkPipeline> pipelines, BridgeMetrics metrics)
    {
        _pipelines = pipelines;
        _metrics = metrics;
    }

    /// <summary>Validates and spools a request's profiles.</summary>
    /// <param name="data">The decoded request.</param>
    /// <param name="receiver">Metric label: otlp_grpc, otlp_http or ingest.</param>
    /// <exception cref="SpoolFullException">A sink's spool has no room; nothing was stored.</exception>
    /// <exception cref="IOException">A spool could not be written.</exception>
    public IntakeResult Accept(ProfilesData data, string receiver)
    {
        ArgumentNullException.ThrowIfNull(data);
        _metrics.Received(receiver, data.ProfileCount);
        var (valid, errors, rejected) = Partition(data);
        if (rejected > 0)
        {
            _metrics.Rejected(receiver, "invalid", rejected);
        }

        var accepted = valid.ProfileCount;
        if (accepted > 0)
        {
            var payload = OtlpCodec.Encode(valid);
            try
            {
                lock (_appendLock)
                {
                    foreach (var pipeline in _pipelines)
                    {
                        pipeline.Spool.EnsureRoom(payload.Length);
                    }

                    foreach (var pipeline in _pipelines)
                    {
                        pipeline.Spool.Append(payload);
                    }
                }
            }
            catch (SpoolFullException)
            {
                _metrics.Rejected(receiver, "spool_full", accepted);
                throw;
            }
        }

        return new IntakeResult(accepted, rejected, rejected == 0 ? string.Empty : Describe(rejected, errors));
    }

    /// <summary>Splits a request into its valid profiles and the errors of the others, each profile validated where it sits.</summary>
    private static (ProfilesData Valid, List<ValidationError> Errors, int Rejected) Partition(ProfilesData data)
    {
        var valid = new ProfilesData();
        var errors = new List<ValidationError>();
        var rejected = 0;
        for (var r = 0; r < data.ResourceProfiles.Count; r++)
        {
            var resource = data.ResourceProfiles[r];
            var keptResource = new ResourceProfiles { Resource = resource.Resource, SchemaUrl = resource.SchemaUrl };
            for (var s = 0; s < resource.ScopeProfiles.Count; s++)
            {
                var scope = resource.ScopeProfiles[s];
                var keptScope = new ScopeProfiles { Scope = scope.Scope, SchemaUrl = scope.SchemaUrl };
                for (var p = 0; p < scope.Profiles.Count; p++)
                {
                    var problems = OtlpValidator.ValidateProfile(data, r, s, p);
                    if (problems.Count == 0)
                    {
                        keptScope.Profiles.Add(scope.Profiles[p]);
                    }
                    else
                    {
                        rejected++;
                        errors.AddRange(problems);
                    }
                }

                if (keptScope.Profiles.Count > 0)
                {
                    keptResource.ScopeProfiles.Add(keptScope);
                }
            }

            if (keptResource.ScopeProfiles.Count > 0)
            {
                valid.ResourceProfiles.Add(keptResource);
            }
        }

        return (valid, errors, rejected);
    }

    private static string Describe(int rejected, List<ValidationError> errors)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{rejected} profile(s) rejected: ");
        text.AppendJoin("; ", errors.Take(MaxErrorsInMessage));
        if (errors.Count > MaxErrorsInMessage)
        {
            text.Append(CultureInfo.InvariantCulture, $" (and {errors.Count - MaxErrorsInMessage} more)");
        }

        return text.ToString();
    }
}
