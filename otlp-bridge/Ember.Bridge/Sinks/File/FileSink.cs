using System.Globalization;
using System.Text;
using Ember.Profiles;
using Ember.Profiles.Conversion;
using Ember.Profiles.IO;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;

namespace Ember.Bridge.Sinks.File;

/// <summary>
/// <c>--sink file:DIR</c>: writes one gzip pprof per profile group (a resource's scope; its sample
/// types share one file, resource attributes become labels) as
/// <c>{service.name}-{UTC time}-{unique}.pb.gz</c>, each written beside and renamed into place. When
/// the directory's profiles exceed <c>max-bytes</c> (option; 1 GiB default) the oldest are removed.
/// </summary>
public sealed class FileSink : IProfileSink
{
    /// <summary>Option key: the directory's size bound in bytes.</summary>
    public const string MaxBytesOption = "max-bytes";

    private const long DefaultMaxBytes = 1024L * 1024 * 1024;
    private const string Extension = ".pb.gz";

    private readonly string _directory;
    private readonly long _maxBytes;
    private long _sequence;

    /// <summary>Creates the sink, making the directory if needed.</summary>
    public FileSink(string name, string directory, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        Name = name;
        _directory = Path.GetFullPath(directory);
        _maxBytes = maxBytes;
        Directory.CreateDirectory(_directory);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Builds the sink from <c>file:DIR</c> and its options.</summary>
    /// <exception cref="ArgumentException">max-bytes is not a positive number.</exception>
    public static FileSink Create(SinkSpecification specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var maxBytes = DefaultMaxBytes;
        if (specification.Option(MaxBytesOption) is { } text
            && (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out maxBytes) || maxBytes <= 0))
        {
            throw new ArgumentException($"sink {specification.Name}: option {MaxBytesOption} '{text}' must be a positive number of bytes");
        }

        return new FileSink(specification.Name, specification.Target, maxBytes);
    }

    /// <inheritdoc/>
    public Task DeliverAsync(ProfilesData profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var written = new List<string>();
        foreach (var resource in profiles.ResourceProfiles)
        {
            foreach (var scope in resource.ScopeProfiles.Where(s => s.Profiles.Count > 0))
            {
                cancellationToken.ThrowIfCancellationRequested();
                written.Add(Write(resource, scope));
            }
        }

        Rotate(written);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Write(ResourceProfiles resource, ScopeProfiles scope)
    {
        var single = new ProfilesData();
        var wrapper = new ResourceProfiles { Resource = resource.Resource, SchemaUrl = resource.SchemaUrl };
        wrapper.ScopeProfiles.Add(scope);
        single.ResourceProfiles.Add(wrapper);
        byte[] bytes;
        try
        {
            bytes = PprofCodec.EncodeGzip(OtlpToPprof.ConvertMerged(single));
        }
        catch (ProfileFormatException ex)
        {
            throw new SinkDeliveryException($"sink {Name}: cannot convert to pprof: {ex.Message}", "invalid_profile", isRetryable: false, innerException: ex);
        }

        var time = scope.Profiles.Min(p => p.TimeUnixNano) is var nanos and > 0
            ? DateTime.UnixEpoch.AddTicks((long)(nanos / 100))
            : DateTime.UtcNow;
        var path = Path.Combine(_directory, string.Create(
            CultureInfo.InvariantCulture,
            $"{SafeServiceName(resource)}-{time:yyyyMMdd'T'HHmmss.fff'Z'}-{Environment.ProcessId:x}-{Interlocked.Increment(ref _sequence):D6}{Extension}"));
        try
        {
            ProfileFiles.WriteAtomically(path, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SinkDeliveryException($"sink {Name}: cannot write {path}: {ex.Message}", "io_error", isRetryable: true, innerException: ex);
        }

        return path;
    }

    /// <summary>Removes the oldest profiles until the directory fits its bound (never the ones just written).</summary>
    private void Rotate(List<string> justWritten)
    {
        var files = new DirectoryInfo(_directory).EnumerateFiles("*" + Extension)
            .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        var total = files.Sum(f => f.Length);
        foreach (var file in files)
        {
            if (total <= _maxBytes)
            {
                break;
            }

            if (!justWritten.Contains(file.FullName))
            {
                total -= file.Length;
                file.Delete();
            }
        }
    }

    private static string SafeServiceName(ResourceProfiles resource)
    {
        var name = resource.Resource.Attributes.FirstOrDefault(a => a.Key == SemanticConventions.ServiceName)?.Value.StringValue;
        if (string.IsNullOrEmpty(name))
        {
            return "unknown_service";
        }

        var safe = new StringBuilder(Math.Min(name.Length, 64));
        foreach (var c in name.Take(64))
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return safe.ToString();
    }
}
