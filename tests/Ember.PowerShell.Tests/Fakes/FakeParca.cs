using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Ember.PowerShell.Protos.Parca.Query;
using Ember.Profiles.Pprof;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ember.PowerShell.Tests.Fakes;

/// <summary>
/// An in-process Parca query API: <c>parca.query.v1alpha1.QueryService/Query</c> over gRPC (h2c),
/// merge mode with a pprof report (gzip pprof bytes), as the real server answers. Queries are
/// <c>type{matchers}</c>; pprof string labels such as span_id are matched like series labels.
/// </summary>
internal sealed class FakeParca : QueryService.QueryServiceBase, IAsyncDisposable
{
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public ConcurrentBag<FakeSeries> Series { get; } = [];

    public ConcurrentQueue<(QueryRequest Request, string? Authorization)> Queries { get; } = new();

    public static async Task<FakeParca> StartAsync()
    {
        var fake = new FakeParca();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(fake);
        ListenOptions? grpc = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http2; grpc = l; }));
        var app = builder.Build();
        app.MapGrpcService<FakeParca>();
        await app.StartAsync();
        fake._app = app;
        fake.Address = new Uri($"http://127.0.0.1:{grpc!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}");
        return fake;
    }

    public override Task<QueryResponse> Query(QueryRequest request, ServerCallContext context)
    {
        Queries.Enqueue((request, context.RequestHeaders.GetValue("authorization")));
        if (request.Mode != QueryRequest.Types.Mode.Merge || request.ReportType != QueryRequest.Types.ReportType.Pprof || request.Merge is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "only merge queries with a pprof report are served"));
        }

        var query = request.Merge.Query;
        var brace = query.IndexOf('{', StringComparison.Ordinal);
        IReadOnlyDictionary<string, string> matchers;
        try
        {
            matchers = FakeSelector.Parse(brace < 0 ? "{}" : query[brace..]);
        }
        catch (FormatException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }

        var type = brace < 0 ? query : query[..brace];
        var seriesMatchers = matchers.Where(m => m.Key != "span_id").ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var selected = FakeSelector.Select(Series, type, seriesMatchers, request.Merge.Start.ToDateTimeOffset(), request.Merge.End.ToDateTimeOffset());
        var merged = matchers.TryGetValue("span_id", out var span)
            ? FakeSelector.Merge(selected, s => s.Labels.Any(l => l.Key == "span_id" && l.Str == span))
            : FakeSelector.Merge(selected);
        return Task.FromResult(new QueryResponse { Pprof = ByteString.CopyFrom(PprofCodec.EncodeGzip(merged)), Total = merged.Samples.Sum(s => s.Values.Count == 0 ? 0 : s.Values[^1]) });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
