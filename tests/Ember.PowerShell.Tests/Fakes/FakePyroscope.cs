using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Ember.Profiles.Pprof;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Ember.PowerShell.Tests.Fakes;

/// <summary>A request that reached the fake Pyroscope, decoded.</summary>
public sealed record PyroscopeQuery(string Method, string ProfileType, string Selector, IReadOnlyList<string> Spans, long StartMs, long EndMs, string? Tenant, string? Authorization);

/// <summary>
/// An in-process Pyroscope query API speaking Connect with the binary codec, as
/// <c>querier.v1.QuerierService</c> does: <c>SelectMergeProfile</c> (request fields profile_typeID=1,
/// label_selector=2, start=3, end=4 in ms; response a pprof message) and <c>SelectMergeSpanProfile</c>
/// (span_selector=3, start=4, end=5; response {FlameGraph flamegraph=1 {total=3}}). Errors are Connect
/// JSON bodies (<c>{"code":"invalid_argument","message":...}</c>) with the matching HTTP status.
/// </summary>
public sealed class FakePyroscope : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakePyroscope(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public ConcurrentBag<FakeSeries> Series { get; } = [];

    public ConcurrentQueue<PyroscopeQuery> Queries { get; } = new();

    /// <summary>How long queries take to answer: a slow store, to test cancellation.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Set when a client went away before its answer.</summary>
    public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakePyroscope> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? http = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http1; http = l; }));
        var app = builder.Build();
        var fake = new FakePyroscope(app);
        app.MapPost("/querier.v1.QuerierService/{method}", fake.HandleAsync);
        await app.StartAsync();
        fake.Address = new Uri($"http://127.0.0.1:{http!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}");
        return fake;
    }

    private async Task<IResult> HandleAsync(HttpContext context, string method)
    {
        if (context.Request.ContentType != "application/proto")
        {
            return ConnectError(StatusCodes.Status415UnsupportedMediaType, "unknown", $"unsupported content type {context.Request.ContentType}");
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var fields = Decode(buffer.ToArray());
        var isSpan = method == "SelectMergeSpanProfile";
        if (!isSpan && method != "SelectMergeProfile")
        {
            return ConnectError(StatusCodes.Status404NotFound, "unimplemented", $"querier.v1.QuerierService.{method} is not implemented");
        }

        var query = new PyroscopeQuery(method, Text(fields, 1), Text(fields, 2), isSpan ? [.. fields.Where(f => f.Field == 3).Select(f => (string)f.Value)] : [],
            Number(fields, isSpan ? 4 : 3), Number(fields, isSpan ? 5 : 4),
            context.Request.Headers["X-Scope-OrgID"].FirstOrDefault(), context.Request.Headers.Authorization.FirstOrDefault());
        Queries.Enqueue(query);
        IReadOnlyDictionary<string, string> matchers;
        try
        {
            matchers = FakeSelector.Parse(query.Selector);
        }
        catch (FormatException e)
        {
            return ConnectError(StatusCodes.Status400BadRequest, "invalid_argument", e.Message);
        }

        if (Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Aborted.TrySetResult();
                return Results.Empty;
            }
        }

        var selected = FakeSelector.Select(Series, query.ProfileType, matchers,
            DateTimeOffset.FromUnixTimeMilliseconds(query.StartMs), DateTimeOffset.FromUnixTimeMilliseconds(query.EndMs)).ToList();
        if (!isSpan)
        {
            return Results.Bytes(PprofCodec.Encode(FakeSelector.Merge(selected)), "application/proto");
        }

        var spanProfile = FakeSelector.Merge(selected, s => s.Labels.Any(l => l.Key == "span_id" && query.Spans.Contains(l.Str)));
        var total = spanProfile.Samples.Sum(s => s.Values[^1]);
        return Results.Bytes(FlameGraphResponse(total), "application/proto");
    }

    private static byte[] FlameGraphResponse(long total)
    {
        using var flameGraph = new MemoryStream();
        var inner = new CodedOutputStream(flameGraph);
        inner.WriteTag(1, WireFormat.WireType.LengthDelimited);
        inner.WriteString("total");
        inner.WriteTag(3, WireFormat.WireType.Varint);
        inner.WriteInt64(total);
        inner.Flush();
        using var response = new MemoryStream();
        var outer = new CodedOutputStream(response);
        outer.WriteTag(1, WireFormat.WireType.LengthDelimited);
        outer.WriteBytes(ByteString.CopyFrom(flameGraph.ToArray()));
        outer.Flush();
        return response.ToArray();
    }

    private static List<(int Field, object Value)> Decode(byte[] body)
    {
        var fields = new List<(int, object)>();
        var input = new CodedInputStream(body);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited:
                    fields.Add((field, input.ReadString()));
                    break;
                case WireFormat.WireType.Varint:
                    fields.Add((field, input.ReadInt64()));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return fields;
    }

    private static string Text(List<(int Field, object Value)> fields, int field) => fields.Where(f => f.Field == field).Select(f => (string)f.Value).FirstOrDefault() ?? "";

    private static long Number(List<(int Field, object Value)> fields, int field) => fields.Where(f => f.Field == field).Select(f => (long)f.Value).FirstOrDefault();

    private static IResult ConnectError(int status, string code, string message) => Results.Json(new { code, message }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
