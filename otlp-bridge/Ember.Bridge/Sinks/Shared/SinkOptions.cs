namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// What every network sink is configured with: its name, the deadline of one attempt (option
/// <c>timeout</c>, seconds, default 10), outbound TLS (<c>ca-file</c>) and credentials (<c>username</c>,
/// <c>password</c>, <c>password-file</c>, <c>bearer-token-file</c>). Read here once; each sink kind's
/// record adds only its own keys.
/// </summary>
public abstract record SinkOptions
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] CommonKeys = ["timeout", .. SinkTls.OptionKeys, .. SinkAuthentication.OptionKeys];

    /// <summary>Reads the common options; call after the kind's own options are checked, since TLS loads certificates.</summary>
    /// <exception cref="SinkConfigurationException">A common option is invalid.</exception>
    private protected SinkOptions(SinkOptionReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Name = reader.SinkName;
        Timeout = reader.Seconds("timeout", DefaultTimeout);
        Authentication = SinkAuthentication.Read(reader);
        Tls = SinkTls.Read(reader);
    }

    /// <summary>The sink's name.</summary>
    public string Name { get; }

    /// <summary>Deadline of one attempt (default 10 s).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Outbound TLS policy (owned by the sink).</summary>
    public SinkTls Tls { get; }

    /// <summary>Credentials, if configured.</summary>
    public SinkAuthentication? Authentication { get; }

    /// <summary>A reader accepting the common keys and <paramref name="kindKeys"/>, and no others.</summary>
    /// <exception cref="SinkConfigurationException">An option key is not known to this sink kind.</exception>
    private protected static SinkOptionReader Reader(SinkSpecification specification, params string[] kindKeys) =>
        new(specification, [.. kindKeys, .. CommonKeys]);
}
