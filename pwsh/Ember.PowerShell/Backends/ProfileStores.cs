namespace Ember.PowerShell.Backends;

/// <summary>Creates the store a cmdlet's -Pyroscope or -Parca parameter names.</summary>
internal static class ProfileStores
{
    /// <exception cref="ArgumentException">The address is not usable.</exception>
    public static IProfileStore Create(string? pyroscope, string? parca, StoreOptions options)
    {
        if (pyroscope is not null)
        {
            return Uri.TryCreate(pyroscope, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? new PyroscopeStore(uri, options)
                : throw new ArgumentException($"-Pyroscope '{pyroscope}' is not an http(s) URL", nameof(pyroscope));
        }

        return new ParcaStore(options.GrpcAddress(parca ?? throw new ArgumentException("no store given", nameof(parca))), options);
    }
}
