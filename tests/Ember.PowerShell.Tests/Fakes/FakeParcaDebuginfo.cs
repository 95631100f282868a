using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Ember.PowerShell.Protos.Parca.Debuginfo;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ember.PowerShell.Tests.Fakes;

/// <summary>What the fake store holds for one build ID.</summary>
internal sealed record StoredDebuginfo(string UploadId, string Hash, long Size, byte[] Bytes, bool Finished);

/// <summary>
/// An in-process Parca debuginfo store (<c>parca.debuginfo.v1alpha1.DebuginfoService</c> over gRPC,
/// h2c) following the server's rules: a build ID it has finished is not wanted again unless forced;
/// InitiateUpload needs the hash and size and assigns an upload ID; Upload starts with an info
/// message whose upload ID must match, then chunks; MarkUploadFinished checks the upload ID. The
/// gRPC message limit is Parca's 64 MiB.
/// </summary>
internal sealed class FakeParcaDebuginfo : DebuginfoService.DebuginfoServiceBase, IAsyncDisposable
{
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public ConcurrentDictionary<string, StoredDebuginfo> Stored { get; } = new(StringComparer.Ordinal);

    /// <summary>RPC names in arrival order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public static async Task<FakeParcaDebuginfo> StartAsync()
    {
        var fake = new FakeParcaDebuginfo();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.Services.AddSingleton(fake);
        ListenOptions? grpc = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http2; grpc = l; }));
        var app = builder.Build();
        app.MapGrpcService<FakeParcaDebuginfo>();
        await app.StartAsync();
        fake._app = app;
        fake.Address = new Uri($"http://127.0.0.1:{grpc!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}");
        return fake;
    }

    public override Task<ShouldInitiateUploadResponse> ShouldInitiateUpload(ShouldInitiateUploadRequest request, ServerCallContext context)
    {
        Calls.Enqueue(nameof(ShouldInitiateUpload));
        return Task.FromResult(Decide(request.BuildId, request.Force));
    }

    public override Task<InitiateUploadResponse> InitiateUpload(InitiateUploadRequest request, ServerCallContext context)
    {
        Calls.Enqueue(nameof(InitiateUpload));
        if (string.IsNullOrEmpty(request.Hash) || request.Size <= 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "hash and size are required"));
        }

        if (!Decide(request.BuildId, request.Force).ShouldInitiateUpload)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "upload should not have been attempted to be initiated"));
        }

        var uploadId = Guid.NewGuid().ToString();
        Stored[request.BuildId] = new StoredDebuginfo(uploadId, request.Hash, request.Size, [], false);
        return Task.FromResult(new InitiateUploadResponse
        {
            UploadInstructions = new UploadInstructions { BuildId = request.BuildId, UploadId = uploadId, UploadStrategy = UploadInstructions.Types.UploadStrategy.Grpc },
        });
    }

    public override async Task<UploadResponse> Upload(IAsyncStreamReader<UploadRequest> requestStream, ServerCallContext context)
    {
        Calls.Enqueue(nameof(Upload));
        if (!await requestStream.MoveNext() || requestStream.Current.DataCase != UploadRequest.DataOneofCase.Info)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message must be the upload info"));
        }

        var info = requestStream.Current.Info;
        if (!Stored.TryGetValue(info.BuildId, out var pending) || pending.UploadId != info.UploadId)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "upload id mismatch"));
        }

        using var bytes = new MemoryStream();
        while (await requestStream.MoveNext())
        {
            requestStream.Current.ChunkData.WriteTo(bytes);
        }

        Stored[info.BuildId] = pending with { Bytes = bytes.ToArray() };
        return new UploadResponse { BuildId = info.BuildId, Size = (ulong)bytes.Length };
    }

    public override Task<MarkUploadFinishedResponse> MarkUploadFinished(MarkUploadFinishedRequest request, ServerCallContext context)
    {
        Calls.Enqueue(nameof(MarkUploadFinished));
        if (!Stored.TryGetValue(request.BuildId, out var pending))
        {
            throw new RpcException(new Status(StatusCode.NotFound, "debuginfo not found"));
        }

        if (pending.UploadId != request.UploadId)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "upload id mismatch"));
        }

        Stored[request.BuildId] = pending with { Finished = true };
        return Task.FromResult(new MarkUploadFinishedResponse());
    }

    private ShouldInitiateUploadResponse Decide(string buildId, bool force)
    {
        if (buildId.Length <= 2)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "invalid build ID"));
        }

        return Stored.TryGetValue(buildId, out var stored) && stored.Finished && !force
            ? new ShouldInitiateUploadResponse { ShouldInitiateUpload = false, Reason = "Debuginfo already exists and is valid, therefore no new upload is necessary." }
            : new ShouldInitiateUploadResponse { ShouldInitiateUpload = true, Reason = "First time we see this Build ID, therefore please upload!" };
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
