using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Ember.PowerShell.Tests.Fakes;

/// <summary>
/// An in-process Kubernetes API server on 127.0.0.1 serving what Test-ProfilingPipeline reads, in
/// the real JSON shapes: <c>GET /apis/apps/v1/namespaces/NS/daemonsets/NAME</c> (apps/v1 DaemonSet),
/// <c>GET /api/v1/namespaces/NS/pods?labelSelector=</c> (PodList) and <c>.../pods/POD/log</c>
/// (text/plain). Unknown objects get a 404 Status object. A kubeconfig pointing at it is written.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Token = "fake-token-123";
    public const string Selector = "app.kubernetes.io/name=ember-agent";
    private readonly WebApplication _app;
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-fake-kube-").FullName;

    private FakeKubernetesApi(WebApplication app) => _app = app;

    public string Namespace { get; init; } = "ember";

    public string DaemonSetName { get; init; } = "ember-agent";

    /// <summary>desiredNumberScheduled, currentNumberScheduled, numberReady.</summary>
    public (int Desired, int Current, int Ready) Status { get; set; } = (2, 2, 2);

    /// <summary>Agent pods and their logs.</summary>
    public ConcurrentDictionary<string, string> PodLogs { get; } = new();

    /// <summary>Authorization headers received.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public string KubeconfigPath { get; private set; } = string.Empty;

    public static async Task<FakeKubernetesApi> StartAsync(string @namespace = "ember", string name = "ember-agent")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? http = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http1; http = l; }));
        var app = builder.Build();
        var api = new FakeKubernetesApi(app) { Namespace = @namespace, DaemonSetName = name };
        app.MapGet("/apis/apps/v1/namespaces/{ns}/daemonsets/{name}", api.DaemonSet);
        app.MapGet("/api/v1/namespaces/{ns}/pods", api.Pods);
        app.MapGet("/api/v1/namespaces/{ns}/pods/{pod}/log", api.Log);
        await app.StartAsync();
        var port = http!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture);
        api.KubeconfigPath = Path.Combine(api._directory, "config");
        await File.WriteAllTextAsync(api.KubeconfigPath, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: http://127.0.0.1:{port}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
                namespace: default
            current-context: fake
            users:
            - name: fake
              user:
                token: {Token}
            """);
        return api;
    }

    private IResult DaemonSet(HttpContext context, string ns, string name)
    {
        Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        if (ns != Namespace || name != DaemonSetName)
        {
            return NotFound("daemonsets.apps", name);
        }

        var body = new
        {
            kind = "DaemonSet",
            apiVersion = "apps/v1",
            metadata = new { name, @namespace = ns, uid = "6f1c1c1e-0000-4000-8000-000000000001", generation = 1 },
            spec = new
            {
                selector = new { matchLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "ember-agent" } },
                template = new { metadata = new { labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "ember-agent" } }, spec = new { containers = new[] { new { name = "agent", image = "ember-agent:dev" } } } },
            },
            status = new
            {
                currentNumberScheduled = Status.Current,
                numberMisscheduled = 0,
                desiredNumberScheduled = Status.Desired,
                numberReady = Status.Ready,
                observedGeneration = 1,
                updatedNumberScheduled = Status.Current,
                numberAvailable = Status.Ready,
            },
        };
        return Results.Json(body);
    }

    private IResult Pods(HttpContext context, string ns)
    {
        Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        var selected = ns == Namespace && context.Request.Query["labelSelector"] == Selector;
        var items = selected
            ? PodLogs.Keys.Order(StringComparer.Ordinal).Select(pod => new
            {
                metadata = new { name = pod, @namespace = ns, labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "ember-agent" } },
                status = new { phase = "Running" },
            }).ToArray()
            : [];
        return Results.Json(new { kind = "PodList", apiVersion = "v1", metadata = new { resourceVersion = "100" }, items });
    }

    private IResult Log(HttpContext context, string ns, string pod)
    {
        Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        return ns == Namespace && PodLogs.TryGetValue(pod, out var log)
            ? Results.Text(log, "text/plain")
            : NotFound("pods", pod);
    }

    private static IResult NotFound(string kind, string name) => Results.Json(
        new { kind = "Status", apiVersion = "v1", metadata = new { }, status = "Failure", message = $"{kind} \"{name}\" not found", reason = "NotFound", code = 404 },
        statusCode: 404);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
