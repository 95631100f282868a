using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Ember.Agent.Kubernetes;

/// <summary>
/// Lists and watches the pods of one node over the plain REST API (<c>GET /api/v1/pods</c> with
/// <c>fieldSelector=spec.nodeName=NODE</c>): a newline-delimited JSON watch stream read with
/// source-generated System.Text.Json, so the native-AOT agent needs no reflection.
/// </summary>
internal sealed class PodApiClient : IDisposable
{
    private readonly KubernetesConnection _connection;
    private readonly HttpClient _http;
    private readonly string _fieldSelector;

    public PodApiClient(KubernetesConnection connection, string nodeName)
    {
        _connection = connection;
        _http = connection.CreateHttpClient();
        _fieldSelector = Uri.EscapeDataString("spec.nodeName=" + nodeName);
    }

    /// <summary>Lists the node's pods; the list's resource version is where the watch starts.</summary>
    public async Task<PodListJson> ListAsync(CancellationToken cancellationToken)
    {
        using var request = await NewRequestAsync($"api/v1/pods?fieldSelector={_fieldSelector}", cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, KubernetesJsonContext.Default.PodListJson, cancellationToken).ConfigureAwait(false)
                ?? throw new KubernetesApiException("the pod list response was empty");
        }
    }

    /// <summary>Watches the node's pods from <paramref name="resourceVersion"/> until the server closes the stream.</summary>
    /// <exception cref="KubernetesApiException">The server refused the watch or sent an ERROR event
    /// (<see cref="KubernetesApiException.IsResourceVersionExpired"/> for 410 Gone).</exception>
    public async IAsyncEnumerable<WatchEventJson> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = await NewRequestAsync(
            $"api/v1/pods?fieldSelector={_fieldSelector}&watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}",
            cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var watchEvent = JsonSerializer.Deserialize(line, KubernetesJsonContext.Default.WatchEventJson)
                    ?? throw new KubernetesApiException("the pod watch sent a null event");
                if (watchEvent.Type == "ERROR")
                {
                    var status = watchEvent.Object.ValueKind == JsonValueKind.Object
                        ? watchEvent.Object.Deserialize(KubernetesJsonContext.Default.StatusJson)
                        : null;
                    throw StatusException(status, "the pod watch sent an error");
                }

                yield return watchEvent;
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpRequestMessage> NewRequestAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var authorization = await _connection.AuthorizationAsync(cancellationToken).ConfigureAwait(false);
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = authorization;
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            StatusJson? status = null;
            try
            {
                status = JsonSerializer.Deserialize(body, KubernetesJsonContext.Default.StatusJson);
            }
            catch (JsonException)
            {
                // Not a Status object (a proxy's error page); the HTTP status says enough.
            }

            throw new KubernetesApiException(
                $"GET {request.RequestUri} answered {(int)response.StatusCode} {response.ReasonPhrase}: {status?.Message ?? body}", response.StatusCode);
        }
    }

    private static KubernetesApiException StatusException(StatusJson? status, string what) =>
        status?.Code is { } code
            ? new KubernetesApiException($"{what}: {code} {status.Reason} {status.Message}", (HttpStatusCode)code)
            : new KubernetesApiException($"{what}: {status?.Message}");
}
