using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Tests.Kubernetes;

/// <summary>One request the fake received: its query and Authorization header.</summary>
internal sealed record FakeRequest(IReadOnlyDictionary<string, string> Query, string? Authorization)
{
    public bool IsWatch => Query.GetValueOrDefault("watch") == "true";
}

/// <summary>
/// The pod list/watch part of the Kubernetes API server, in process on 127.0.0.1 (no real API server
/// can run here): <c>GET /api/v1/pods?fieldSelector=spec.nodeName=N</c> answers a PodList, and with
/// <c>watch=true&amp;resourceVersion=V</c> a chunked stream of newline-delimited watch events. It
/// honours the field selector, requires the bearer token and answers errors as meta/v1 Status.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Token = "fake-service-account-token";

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakePod> _pods = new(StringComparer.Ordinal);
    private readonly List<(string Node, Channel<string> Events)> _watches = [];
    private long _resourceVersion = 1000;
    private long _oldestWatchable;
    private int _failuresToAnswer;

    private FakeKubernetesApi(WebApplication app)
    {
        _app = app;
    }

    public Uri Address { get; private set; } = null!;

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    public int ListRequests => Requests.Count(r => !r.IsWatch);

    public int WatchRequests => Requests.Count(r => r.IsWatch);

    public int OpenWatches
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>Starts on a free port of 127.0.0.1: plain HTTP, or HTTPS with <paramref name="certificate"/>.</summary>
    public static async Task<FakeKubernetesApi> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var fake = new FakeKubernetesApi(app);
        app.MapGet("/api/v1/pods", fake.HandlePodsAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake.Address = new Uri(address);
        return fake;
    }

    /// <summary>Puts a pod in the store without telling open watches (as if it existed before the agent started).</summary>
    public void Put(FakePod pod)
    {
        lock (_gate)
        {
            _resourceVersion++;
            _pods[pod.Uid] = pod;
        }
    }

    /// <summary>Changes the store and sends the event to the open watches whose field selector matches the pod's node.</summary>
    public void Send(string type, FakePod pod)
    {
        lock (_gate)
        {
            var version = ++_resourceVersion;
            if (type == "DELETED")
            {
                _pods.Remove(pod.Uid);
            }
            else
            {
                _pods[pod.Uid] = pod;
            }

            var line = new JsonObject { ["type"] = type, ["object"] = pod.ToJson(version) }.ToJsonString();
            foreach (var (node, events) in _watches.Where(w => w.Node == pod.NodeName))
            {
                events.Writer.TryWrite(line);
            }
        }
    }

    /// <summary>Sends a BOOKMARK (only a resource version) to every open watch.</summary>
    public void SendBookmark()
    {
        lock (_gate)
        {
            var version = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
            var line = new JsonObject
            {
                ["type"] = "BOOKMARK",
                ["object"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["resourceVersion"] = version } },
            }.ToJsonString();
            foreach (var (_, events) in _watches)
            {
                events.Writer.TryWrite(line);
            }
        }
    }

    /// <summary>Ends every open watch stream normally, as the API server does at its watch timeout.</summary>
    public void CloseWatches()
    {
        lock (_gate)
        {
            foreach (var (_, events) in _watches)
            {
                events.Writer.TryComplete();
            }
        }
    }

    /// <summary>Compacts history: watches from any version seen so far get 410 Gone; open watches are closed.</summary>
    public void CompactHistory()
    {
        lock (_gate)
        {
            _oldestWatchable = ++_resourceVersion;
        }

        CloseWatches();
    }

    /// <summary>Sends the in-stream form of 410 Gone (an ERROR event with a Status) and closes the watches.</summary>
    public void SendGoneEvent()
    {
        lock (_gate)
        {
            _oldestWatchable = ++_resourceVersion;
            var line = new JsonObject { ["type"] = "ERROR", ["object"] = Status(HttpStatusCode.Gone, "Expired", "too old resource version") }.ToJsonString();
            foreach (var (_, events) in _watches)
            {
                events.Writer.TryWrite(line);
                events.Writer.TryComplete();
            }
        }
    }

    /// <summary>Answers the next <paramref name="count"/> requests with 500.</summary>
    public void FailNextRequests(int count) => Interlocked.Exchange(ref _failuresToAnswer, count);

    public async ValueTask DisposeAsync()
    {
        CloseWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandlePodsAsync(HttpContext context)
    {
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var authorization = context.Request.Headers.Authorization.ToString();
        Requests.Enqueue(new FakeRequest(query, authorization.Length == 0 ? null : authorization));

        if (authorization != "Bearer " + Token)
        {
            await WriteStatusAsync(context, HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized");
            return;
        }

        if (Interlocked.Decrement(ref _failuresToAnswer) >= 0)
        {
            await WriteStatusAsync(context, HttpStatusCode.InternalServerError, "InternalError", "etcd is having a bad day");
            return;
        }

        Interlocked.Exchange(ref _failuresToAnswer, 0);
        // The one selector the agent may use; anything else would return the whole cluster's pods.
        var selector = query.GetValueOrDefault("fieldSelector") ?? "";
        if (!selector.StartsWith("spec.nodeName=", StringComparison.Ordinal))
        {
            await WriteStatusAsync(context, HttpStatusCode.BadRequest, "BadRequest", "this fake only serves fieldSelector=spec.nodeName=NODE");
            return;
        }

        var node = selector["spec.nodeName=".Length..];
        if (query.GetValueOrDefault("watch") == "true")
        {
            await WatchAsync(context, node, query.GetValueOrDefault("resourceVersion"));
        }
        else
        {
            await ListAsync(context, node);
        }
    }

    private async Task ListAsync(HttpContext context, string node)
    {
        JsonObject list;
        lock (_gate)
        {
            var version = _resourceVersion;
            list = new JsonObject
            {
                ["kind"] = "PodList",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
                ["items"] = new JsonArray([.. _pods.Values.Where(p => p.NodeName == node).Select(p => (JsonNode)p.ToJson(version))]),
            };
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(list.ToJsonString());
    }

    private async Task WatchAsync(HttpContext context, string node, string? resourceVersion)
    {
        var events = Channel.CreateUnbounded<string>();
        lock (_gate)
        {
            if (!long.TryParse(resourceVersion, CultureInfo.InvariantCulture, out var from) || from < _oldestWatchable)
            {
                events = null;
            }
            else
            {
                _watches.Add((node, events));
            }
        }

        if (events is null)
        {
            await WriteStatusAsync(context, HttpStatusCode.Gone, "Expired", $"too old resource version: {resourceVersion}");
            return;
        }

        try
        {
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(context.RequestAborted);
            await foreach (var line in events.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(line + "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The agent hung up.
        }
        finally
        {
            lock (_gate)
            {
                _watches.RemoveAll(w => w.Events == events);
            }
        }
    }

    private static JsonObject Status(HttpStatusCode code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = (int)code,
    };

    private static async Task WriteStatusAsync(HttpContext context, HttpStatusCode code, string reason, string message)
    {
        context.Response.StatusCode = (int)code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Status(code, reason, message).ToJsonString());
    }
}
