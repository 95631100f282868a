namespace Ember.Bridge.Receiving;

/// <summary>
/// A request's body as its transport has it: still a stream (HTTP, read here under
/// <c>--max-request-bytes</c>), or bytes the transport already read under its own limit (gRPC).
/// </summary>
internal abstract class RequestBody
{
    /// <summary>A body still to be read; <paramref name="contentLength"/> (when declared) refuses an oversized one before reading.</summary>
    public static RequestBody FromStream(Stream stream, long? contentLength) => new Streamed(stream, contentLength);

    /// <summary>A body the transport has read and size-checked already.</summary>
    public static RequestBody FromBytes(byte[] bytes) => new Buffered(bytes);

    /// <summary>The whole body.</summary>
    /// <exception cref="PayloadTooLargeException">The body is over <paramref name="limit"/>.</exception>
    public abstract ValueTask<byte[]> ReadAsync(long limit, CancellationToken cancellationToken);

    private sealed class Streamed(Stream stream, long? contentLength) : RequestBody
    {
        public override ValueTask<byte[]> ReadAsync(long limit, CancellationToken cancellationToken) => contentLength > limit
            ? throw new PayloadTooLargeException($"request body is {contentLength} bytes, over the limit of {limit} bytes")
            : BoundedRead.ReadAsync(stream, limit, "request body", cancellationToken);
    }

    private sealed class Buffered(byte[] bytes) : RequestBody
    {
        public override ValueTask<byte[]> ReadAsync(long limit, CancellationToken cancellationToken) => ValueTask.FromResult(bytes);
    }
}
