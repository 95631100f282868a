using System.IO.Hashing;
using Ember.PowerShell.Backends;
using Ember.PowerShell.Protos.Parca.Debuginfo;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Ember.PowerShell.DebugInfo;

/// <summary>
/// Parca's debuginfo upload protocol (<c>parca.debuginfo.v1alpha1.DebuginfoService</c>) step by step:
/// ShouldInitiateUpload, InitiateUpload (size and xxHash64 of the bytes), the client-streamed Upload
/// (an info message, then chunks), MarkUploadFinished. Each step is its own call so the cmdlet can
/// report progress between chunks from the pipeline thread.
/// </summary>
internal sealed class ParcaDebuginfoClient : IDisposable
{
    /// <summary>Bytes per Upload message: well under gRPC's default 4 MiB message limit.</summary>
    public const int ChunkSize = 1024 * 1024;

    private readonly GrpcChannel _channel;
    private readonly DebuginfoService.DebuginfoServiceClient _client;
    private readonly Metadata _headers = [];

    public ParcaDebuginfoClient(Uri address, string? bearerToken)
    {
        Address = address;
        _channel = GrpcChannel.ForAddress(address);
        _client = new DebuginfoService.DebuginfoServiceClient(_channel);
        if (!string.IsNullOrEmpty(bearerToken))
        {
            _headers.Add("authorization", "Bearer " + bearerToken);
        }
    }

    public Uri Address { get; }

    /// <summary>Whether the store wants this build ID, and why.</summary>
    public async Task<(bool Upload, string Reason)> ShouldInitiateAsync(string buildId, bool force, CancellationToken cancellationToken)
    {
        var response = await Call(() => _client.ShouldInitiateUploadAsync(
            new ShouldInitiateUploadRequest { BuildId = buildId, Force = force, Type = DebuginfoType.DebuginfoUnspecified, BuildIdType = BuildIDType.Gnu },
            _headers, cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return (response.ShouldInitiateUpload, response.Reason);
    }

    /// <summary>Announces the upload; returns the upload ID the store assigned.</summary>
    public async Task<string> InitiateAsync(string buildId, long size, string hash, bool force, CancellationToken cancellationToken)
    {
        var response = await Call(() => _client.InitiateUploadAsync(
            new InitiateUploadRequest { BuildId = buildId, Size = size, Hash = hash, Force = force, Type = DebuginfoType.DebuginfoUnspecified, BuildIdType = BuildIDType.Gnu },
            _headers, cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        var instructions = response.UploadInstructions
            ?? throw new ProfileStoreException($"the debuginfo store at {Address} sent no upload instructions");
        return instructions.UploadStrategy == UploadInstructions.Types.UploadStrategy.Grpc
            ? instructions.UploadId
            : throw new ProfileStoreException(
                $"the debuginfo store at {Address} asks for the {instructions.UploadStrategy} upload strategy; only gRPC uploads are supported (run Parca without --debuginfo-uploads-signed-url)");
    }

    /// <summary>Opens the Upload stream and sends its info message.</summary>
    public async Task<AsyncClientStreamingCall<UploadRequest, UploadResponse>> OpenUploadAsync(string buildId, string uploadId, CancellationToken cancellationToken)
    {
        var call = _client.Upload(_headers, cancellationToken: cancellationToken);
        await Call(async () =>
        {
            await call.RequestStream.WriteAsync(new UploadRequest { Info = new UploadInfo { BuildId = buildId, UploadId = uploadId, Type = DebuginfoType.DebuginfoUnspecified } }, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        return call;
    }

    /// <summary>Sends one chunk of the file.</summary>
    public static Task SendChunkAsync(AsyncClientStreamingCall<UploadRequest, UploadResponse> call, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            await call.RequestStream.WriteAsync(new UploadRequest { ChunkData = ByteString.CopyFrom(chunk.Span) }, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>Ends the stream; returns the size the store received.</summary>
    public static async Task<ulong> CompleteUploadAsync(AsyncClientStreamingCall<UploadRequest, UploadResponse> call) =>
        (await Call(async () =>
        {
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return await call.ResponseAsync.ConfigureAwait(false);
        }).ConfigureAwait(false)).Size;

    /// <summary>Marks the upload finished so the store serves it.</summary>
    public Task MarkFinishedAsync(string buildId, string uploadId, CancellationToken cancellationToken) =>
        Call(() => _client.MarkUploadFinishedAsync(
            new MarkUploadFinishedRequest { BuildId = buildId, UploadId = uploadId, Type = DebuginfoType.DebuginfoUnspecified },
            _headers, cancellationToken: cancellationToken).ResponseAsync);

    /// <summary>The xxHash64 (seed 0) of a file, as lowercase hex: the hash Parca's store compares.</summary>
    public static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        var hash = new XxHash64();
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            await hash.AppendAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    public void Dispose() => _channel.Dispose();

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new ProfileStoreException($"the debuginfo store refused the upload: {e.StatusCode} {e.Status.Detail}", e)
            {
                IsUnreachable = e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded,
            };
        }
    }
}
