using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using Ember.Profiles.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Tests.Export;

/// <summary>How the fake answers the requests it is told to fail.</summary>
public enum FakeFailure
{
    /// <summary>gRPC UNAVAILABLE with grpc-retry-pushback-ms 1000; HTTP 503 with Retry-After: 1.</summary>
    Unavailable,

    /// <summary>gRPC INVALID_ARGUMENT; HTTP 400.</summary>
    InvalidArgument,
}

/// <summary>One request that reached the fake, failed or not.</summary>
/// <param name="Protocol">"grpc" or "http".</param>
/// <param name="ElapsedAtArrival">Time since the fake started, on a monotonic clock.</param>
/// <param name="Compressed">Whether the body came gzip-compressed.</param>
/// <param name="Headers">The request headers, names lower-cased.</param>
/// <param name="Data">The decoded request, or null when the fake failed it.</param>
/// <param name="Message">The uncompressed protobuf message, empty when the fake failed it; tests decode it with the oracle types.</param>
public sealed record FakeRequest(string Protocol, TimeSpan ElapsedAtArrival, bool Compressed, IReadOnlyDictionary<string, string> Headers, ProfilesData? Data, byte[] Message);

/// <summary>
/// An in-process OTLP profiles collector on 127.0.0.1 speaking the real protocols: gRPC over h2c
/// (framing, grpc-encoding gzip and trailers done by hand, as a real server would put them on the
/// wire) and OTLP/HTTP. Bodies are decoded with <see cref="OtlpCodec"/> and kept as bytes for the
/// Google.Protobuf oracle (<see cref="OracleExport"/>).
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private const string GrpcPath = "/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private int _failuresLeft;
    private FakeFailure _failure;
    private long _rejectProfiles;
    private string _rejectMessage = "";

    private FakeOtlpCollector(WebApplication app) => _app = app;

    /// <summary>Base address of the h2c (gRPC) listener.</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary>Full OTLP/HTTP profiles URL.</summary>
    public Uri HttpEndpoint { get; private set; } = null!;

    /// <summary>Every request in arrival order, failed ones included.</summary>
    public IReadOnlyList<FakeRequest> Requests => [.. _requests];

    /// <summary>The requests the fake accepted, decoded.</summary>
    public IReadOnlyList<ProfilesData> Exports => [.. _requests.Where(r => r.Data is not null).Select(r => r.Data!)];

    /// <summary>Starts Kestrel on two random loopback ports: HTTP/2-only for gRPC, HTTP/1.1+2 for OTLP/HTTP.</summary>
    public static async Task<FakeOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? grpc = null;
        ListenOptions? http = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Without TLS, Kestrel speaks HTTP/2 (h2c, prior knowledge) only on an HTTP/2-only endpoint.
            kestrel.Listen(IPAddress.Loopback, 0, listen => { listen.Protocols = HttpProtocols.Http2; grpc = listen; });
            kestrel.Listen(IPAddress.Loopback, 0, listen => { listen.Protocols = HttpProtocols.Http1; http = listen; });
        });
        var app = builder.Build();
        var collector = new FakeOtlpCollector(app);
        app.MapPost(GrpcPath, collector.HandleGrpcAsync);
        app.MapPost("/v1development/profiles", collector.HandleHttpAsync);
        await app.StartAsync();
        collector.GrpcEndpoint = new Uri($"http://127.0.0.1:{grpc!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}");
        collector.HttpEndpoint = new Uri($"http://127.0.0.1:{http!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}/v1development/profiles");
        return collector;
    }

    /// <summary>Fails the next <paramref name="count"/> requests the given way.</summary>
    public void FailNext(int count, FakeFailure failure)
    {
        lock (_lock)
        {
            _failuresLeft = count;
            _failure = failure;
        }
    }

    /// <summary>Answers accepted requests with partial_success{rejected_profiles, error_message}.</summary>
    public void RejectProfiles(long count, string message)
    {
        lock (_lock)
        {
            _rejectProfiles = count;
            _rejectMessage = message;
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> exports arrived; false on timeout.</summary>
    public async Task<bool> WaitForExportsAsync(int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (Exports.Count < count)
        {
            if (deadline.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private FakeFailure? TakeFailure()
    {
        lock (_lock)
        {
            if (_failuresLeft == 0)
            {
                return null;
            }

            _failuresLeft--;
            return _failure;
        }
    }

    private byte[] ResponseBody()
    {
        lock (_lock)
        {
            return _rejectProfiles == 0 && _rejectMessage.Length == 0 ? [] : EncodePartialSuccess(_rejectProfiles, _rejectMessage);
        }
    }

    private async Task HandleGrpcAsync(HttpContext context)
    {
        var arrived = _clock.Elapsed;
        var body = await ReadAllAsync(context.Request.Body);
        var compressed = body.Length >= 5 && body[0] == 1;
        context.Response.ContentType = "application/grpc";
        if (TakeFailure() is { } failure)
        {
            Record("grpc", arrived, compressed, context, null, []);
            await context.Response.StartAsync();
            if (failure == FakeFailure.Unavailable)
            {
                context.Response.AppendTrailer("grpc-status", "14");
                context.Response.AppendTrailer("grpc-message", "fake outage");
                context.Response.AppendTrailer("grpc-retry-pushback-ms", "1000");
            }
            else
            {
                context.Response.AppendTrailer("grpc-status", "3");
                context.Response.AppendTrailer("grpc-message", "fake says no");
            }

            return;
        }

        // gRPC message framing: 1 byte compressed flag, 4 bytes big-endian length, the message.
        var length = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1, 4));
        var message = body.AsSpan(5, (int)length).ToArray();
        if (compressed)
        {
            if (context.Request.Headers["grpc-encoding"] != "gzip")
            {
                throw new InvalidDataException("compressed gRPC message without grpc-encoding: gzip");
            }

            message = Gunzip(message);
        }

        Record("grpc", arrived, compressed, context, OtlpCodec.Decode(message), message);
        var response = ResponseBody();
        var frame = new byte[5 + response.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)response.Length);
        response.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private async Task HandleHttpAsync(HttpContext context)
    {
        var arrived = _clock.Elapsed;
        var body = await ReadAllAsync(context.Request.Body);
        var compressed = context.Request.Headers.ContentEncoding == "gzip";
        if (TakeFailure() is { } failure)
        {
            Record("http", arrived, compressed, context, null, []);
            if (failure == FakeFailure.Unavailable)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
            }

            return;
        }

        if (context.Request.ContentType != "application/x-protobuf")
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var message = compressed ? Gunzip(body) : body;
        Record("http", arrived, compressed, context, OtlpCodec.Decode(message), message);
        context.Response.ContentType = "application/x-protobuf";
        await context.Response.Body.WriteAsync(ResponseBody());
    }

    private void Record(string protocol, TimeSpan arrived, bool compressed, HttpContext context, ProfilesData? data, byte[] message)
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        _requests.Enqueue(new FakeRequest(protocol, arrived, compressed, headers, data, message));
    }

    private static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }

        return output.ToArray();
    }

    /// <summary>ExportProfilesServiceResponse{partial_success(1){rejected_profiles(1), error_message(2)}}.</summary>
    internal static byte[] EncodePartialSuccess(long rejected, string message)
    {
        var text = Encoding.UTF8.GetBytes(message);
        var inner = new List<byte> { 0x08 };
        inner.AddRange(Varint((ulong)rejected));
        inner.Add(0x12);
        inner.AddRange(Varint((ulong)text.Length));
        inner.AddRange(text);
        var outer = new List<byte> { 0x0A };
        outer.AddRange(Varint((ulong)inner.Count));
        outer.AddRange(inner);
        return [.. outer];
    }

    private static IEnumerable<byte> Varint(ulong value)
    {
        while (value >= 0x80)
        {
            yield return (byte)(value | 0x80);
            value >>= 7;
        }

        yield return (byte)value;
    }
}
