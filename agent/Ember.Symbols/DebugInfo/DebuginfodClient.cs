using System.Net;

namespace Ember.Symbols.DebugInfo;

/// <summary>
/// Fetches debug files from debuginfod servers (<c>GET URL/buildid/BUILDID/debuginfo</c>, the
/// protocol of elfutils' debuginfod), trying the servers of <c>DEBUGINFOD_URLS</c> in order, into a
/// cache directory bounded in bytes (oldest files go first). At most <see cref="DebuginfodOptions.MaxConcurrentFetches"/>
/// fetches run at once; each is bounded in time and size.
/// </summary>
public sealed class DebuginfodClient : IDebugInfoSource, IDisposable
{
    private const string CachedSuffix = ".debuginfo";

    private readonly HttpClient _http;
    private readonly DebuginfodOptions _options;
    private readonly SemaphoreSlim _fetches;
    private readonly Lock _evicting = new();

    public DebuginfodClient(DebuginfodOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan; // each fetch has its own deadline
        _fetches = new SemaphoreSlim(options.MaxConcurrentFetches);
        Directory.CreateDirectory(options.CacheDirectory);
    }

    public string Name => "debuginfod";

    public async Task<string?> FindAsync(string buildId, CancellationToken cancellationToken)
    {
        if (!BuildIds.IsValid(buildId))
        {
            return null;
        }

        buildId = buildId.ToLowerInvariant();
        var cached = Path.Combine(_options.CacheDirectory, buildId + CachedSuffix);
        if (File.Exists(cached))
        {
            File.SetLastWriteTimeUtc(cached, DateTime.UtcNow); // recently used: evicted last
            return cached;
        }

        await _fetches.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Exception? failure = null;
            foreach (var server in _options.Servers)
            {
                try
                {
                    if (await FetchAsync(server, buildId, cached, cancellationToken).ConfigureAwait(false))
                    {
                        Evict();
                        return cached;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or DebugInfoFetchException
                    || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    failure = ex; // try the next server
                }
            }

            return failure is null ? null : throw new DebugInfoFetchException($"no debuginfod server answered for {buildId}: {failure.Message}", failure);
        }
        finally
        {
            _fetches.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _fetches.Dispose();
    }

    /// <summary>True when <paramref name="server"/> had the file (now at <paramref name="destination"/>), false on 404.</summary>
    private async Task<bool> FetchAsync(Uri server, string buildId, string destination, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.FetchTimeout);
        var url = new Uri(server, $"buildid/{buildId}/debuginfo");
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new DebugInfoFetchException($"{url} answered {(int)response.StatusCode}");
        }

        if (response.Content.Headers.ContentLength > _options.MaxFileBytes)
        {
            throw new DebugInfoFetchException($"{url} offers {response.Content.Headers.ContentLength} bytes, more than the limit of {_options.MaxFileBytes}");
        }

        var partial = destination + "." + Guid.NewGuid().ToString("N") + ".partial";
        try
        {
            await using (var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false))
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > _options.MaxFileBytes)
                    {
                        throw new DebugInfoFetchException($"{url} sent more than the limit of {_options.MaxFileBytes} bytes");
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), timeout.Token).ConfigureAwait(false);
                }
            }

            File.Move(partial, destination, overwrite: true);
            return true;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Deletes the least recently used cached files until the cache fits its bound.</summary>
    private void Evict()
    {
        lock (_evicting)
        {
            var files = new DirectoryInfo(_options.CacheDirectory).GetFiles("*" + CachedSuffix).OrderBy(f => f.LastWriteTimeUtc).ToList();
            var total = files.Sum(f => f.Length);
            for (var i = 0; total > _options.CacheMaxBytes && i < files.Count - 1; i++)
            {
                total -= files[i].Length;
                files[i].Delete();
            }
        }
    }

    /// <summary>Bytes the cache holds now.</summary>
    public long CachedBytes() => new DirectoryInfo(_options.CacheDirectory).GetFiles("*" + CachedSuffix).Sum(f => f.Length);
}

/// <summary>How the bridge uses debuginfod servers.</summary>
/// <param name="Servers">Base URLs, in the order tried (<c>DEBUGINFOD_URLS</c>).</param>
/// <param name="CacheDirectory">Where fetched files are kept.</param>
public sealed record DebuginfodOptions(IReadOnlyList<Uri> Servers, string CacheDirectory)
{
    /// <summary>Bytes the cache keeps at most.</summary>
    public long CacheMaxBytes { get; init; } = 2L << 30;

    /// <summary>Largest debug file fetched.</summary>
    public long MaxFileBytes { get; init; } = 1L << 30;

    /// <summary>Time one fetch may take.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Fetches running at once.</summary>
    public int MaxConcurrentFetches { get; init; } = 4;
}
