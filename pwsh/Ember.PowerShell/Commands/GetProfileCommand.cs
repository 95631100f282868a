using System.Management.Automation;
using Ember.PowerShell.Backends;
using Ember.Profiles.IO;

namespace Ember.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Fetches a merged profile for a time range and label selector from Pyroscope or Parca.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "Profile", DefaultParameterSetName = PyroscopeSet)]
[OutputType(typeof(EmberProfile))]
public sealed class GetProfileCommand : StoreCmdlet
{
    private const string PyroscopeSet = "Pyroscope";
    private const string ParcaSet = "Parca";

    /// <summary>Error ID: the store refused the query.</summary>
    public const string QueryError = "ProfileQueryFailed";

    /// <summary>Error ID: the store could not be reached.</summary>
    public const string UnreachableError = "ProfileStoreUnreachable";

    /// <summary>Error ID: the query or address is malformed.</summary>
    public const string InvalidQueryError = "ProfileQueryInvalid";

    #region Parameters

    /// <summary>Base URL of Pyroscope, e.g. http://pyroscope:4040.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PyroscopeSet)]
    public string Pyroscope { get; set; } = string.Empty;

    /// <summary>Address of Parca's gRPC API: a URL, or host:port (TLS unless -Insecure).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParcaSet)]
    public string Parca { get; set; } = string.Empty;

    /// <summary>Profile type and label selector.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string Query { get; set; } = string.Empty;

    /// <summary>Start of the time range; an hour ago by default.</summary>
    [Parameter]
    public DateTimeOffset? From { get; set; }

    /// <summary>End of the time range; now by default.</summary>
    [Parameter]
    public DateTimeOffset? Until { get; set; }

    /// <summary>Pyroscope tenant (X-Scope-OrgID).</summary>
    [Parameter(ParameterSetName = PyroscopeSet)]
    public string? Tenant { get; set; }

    /// <summary>With a host:port Parca address: plaintext instead of TLS.</summary>
    [Parameter(ParameterSetName = ParcaSet)]
    public SwitchParameter Insecure { get; set; }

    #endregion

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var until = Until ?? DateTimeOffset.UtcNow;
        var from = From ?? until.AddHours(-1);
        ProfileQuery query;
        IProfileStore store;
        try
        {
            query = ProfileQuery.Parse(Query);
            store = ProfileStores.Create(
                ParameterSetName == PyroscopeSet ? Pyroscope : null, ParameterSetName == ParcaSet ? Parca : null,
                new StoreOptions(Tenant, ResolveBearerToken(), Insecure));
        }
        catch (ArgumentException e)
        {
            WriteError(e, InvalidQueryError, ErrorCategory.InvalidArgument, Query);
            return;
        }

        using (store)
        {
            try
            {
                var profile = Await(token => store.MergeAsync(query, from, until, token));
                WriteObject(new EmberProfile(ProfileDocument.FromPprof(profile), $"{store.Name} {query}"));
            }
            catch (ProfileStoreException e)
            {
                WriteError(e, e.IsUnreachable ? UnreachableError : QueryError,
                    e.IsUnreachable ? ErrorCategory.ConnectionError : ErrorCategory.InvalidResult, Query);
            }
        }
    }
}
