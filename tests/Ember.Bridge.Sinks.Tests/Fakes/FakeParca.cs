using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Ember.Bridge.Protos.Parca;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OraclePprof = Ember.Profiles.Tests.Oracle.Pprof.Profile;

namespace Ember.Bridge.Sinks.Tests.Fakes;

/// <summary>A WriteRaw call that reached <see cref="FakeParca"/> and passed its validation.</summary>
/// <param name="Headers">Request metadata, names lower-cased.</param>
/// <param name="Request">The decoded request.</param>
/// <param name="Profiles">Per series, the decoded pprof of each sample.</param>
public sealed record ParcaWrite(IReadOnlyDictionary<string, string> Headers, WriteRawRequest Request, IReadOnlyList<IReadOnlyList<OraclePprof>> Profiles);

/// <summary>
/// An in-process Parca profile store on 127.0.0.1: <c>ProfileStoreService/WriteRaw</c> served by
/// Grpc.AspNetCore from the bridge's own profilestore.proto, over h2c or TLS (self-signed
/// certificate for localhost/127.0.0.1, its PEM in <see cref="CaFile"/>). It applies Parca's
/// WriteRaw rules from shared/reference/servers.md §2.1 — <c>__name__</c> required, valid and unique
/// label names, gzip auto-detected, string_table[0] empty, IDs 1..N, one value per sample type —
/// answering INVALID_ARGUMENT like Parca, and decodes every pprof with the oracle types.
/// </summary>
public sealed partial class FakeParca : IAsyncDisposable
{
    private readonly ConcurrentQueue<ParcaWrite> _writes = new();
    private readonly ConcurrentQueue<(StatusCode Code, string? PushbackMs)> _failures = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _calls = new();
    private WebApplication _app = null!;

    private FakeParca()
    {
    }

    /// <summary><c>host:port</c> to use as the sink's target.</summary>
    public string Target { get; private set; } = "";

    /// <summary>PEM file of the self-signed certificate, when started with TLS.</summary>
    public string? CaFile { get; private set; }

    /// <summary>Accepted writes, in arrival order.</summary>
    public IReadOnlyList<ParcaWrite> Writes => [.. _writes];

    /// <summary>Metadata of every call, failed ones included.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Calls => [.. _calls];

    /// <summary>Starts the fake on a random loopback port.</summary>
    public static async Task<FakeParca> StartAsync(bool tls = false)
    {
        var fake = new FakeParca();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(fake);
        X509Certificate2? certificate = null;
        if (tls)
        {
            (certificate, fake.CaFile) = TestCertificate.Create();
        }

        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                l.UseHttps(certificate);
            }

            listen = l;
        }));
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
        fake._app = app;
        fake.Target = $"{(tls ? "localhost" : "127.0.0.1")}:{listen!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}";
        return fake;
    }

    /// <summary>Fails the next call with this status (and grpc-retry-pushback-ms, when given).</summary>
    public void FailNext(StatusCode code, string? pushbackMs = null) => _failures.Enqueue((code, pushbackMs));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    private WriteRawResponse Write(WriteRawRequest request, ServerCallContext context)
    {
        var headers = context.RequestHeaders.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value, StringComparer.Ordinal);
        _calls.Enqueue(headers);
        if (_failures.TryDequeue(out var failure))
        {
            var trailers = new Metadata();
            if (failure.PushbackMs is { } pushback)
            {
                trailers.Add("grpc-retry-pushback-ms", pushback);
            }

            throw new RpcException(new Status(failure.Code, "fake failure"), trailers);
        }

        var profiles = new List<IReadOnlyList<OraclePprof>>();
        foreach (var series in request.Series)
        {
            ValidateLabels(series.Labels);
            profiles.Add([.. series.Samples.Select(s => DecodeStrict(s.RawProfile.ToByteArray()))]);
        }

        _writes.Enqueue(new ParcaWrite(headers, request, profiles));
        return new WriteRawResponse();
    }

    private static void ValidateLabels(LabelSet? labels)
    {
        var names = labels?.Labels.Select(l => l.Name).ToList() ?? [];
        if (!names.Contains("__name__"))
        {
            throw Invalid("missing __name__ label");
        }

        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count || names.Exists(n => !LabelName().IsMatch(n)))
        {
            throw Invalid("invalid or duplicate label names");
        }
    }

    private static OraclePprof DecodeStrict(byte[] raw)
    {
        var profile = OraclePprof.Parser.ParseFrom(Gzip.IsGzip(raw) ? Gzip.Decompress(raw) : raw);
        var sequential = profile.Mapping.Select((m, i) => m.Id == (ulong)i + 1).All(ok => ok)
            && profile.Location.Select((l, i) => l.Id == (ulong)i + 1).All(ok => ok)
            && profile.Function.Select((f, i) => f.Id == (ulong)i + 1).All(ok => ok);
        if (profile.StringTable.Count == 0 || profile.StringTable[0].Length != 0 || !sequential
            || profile.Sample.Any(s => s.Value.Count != profile.SampleType.Count || s.LocationId.Any(id => id == 0 || id > (ulong)profile.Location.Count)))
        {
            throw Invalid("pprof violates Parca's normalizer rules");
        }

        return profile;
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    /// <summary>The gRPC service, resolved per call by Grpc.AspNetCore; state lives in the fake.</summary>
    private sealed class Service(FakeParca fake) : ProfileStoreService.ProfileStoreServiceBase
    {
        public override Task<WriteRawResponse> WriteRaw(WriteRawRequest request, ServerCallContext context) => Task.FromResult(fake.Write(request, context));
    }
}
