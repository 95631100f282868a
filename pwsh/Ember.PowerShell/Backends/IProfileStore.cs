using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Backends;

/// <summary>The queries the module runs against a profile store.</summary>
internal interface IProfileStore : IDisposable
{
    /// <summary>"Pyroscope http://..." or "Parca ...", for messages.</summary>
    string Name { get; }

    /// <summary>All profiles matching the query in the time range, merged into one pprof profile.</summary>
    /// <exception cref="ProfileStoreException">The store refused the query or is unreachable.</exception>
    Task<Pprof.Profile> MergeAsync(ProfileQuery query, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>The total value of the samples attributed to one span in the time range.</summary>
    /// <exception cref="ProfileStoreException">The store refused the query or is unreachable.</exception>
    Task<long> SpanTotalAsync(ProfileQuery query, string spanId, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken);
}
