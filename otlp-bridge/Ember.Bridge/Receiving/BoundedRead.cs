namespace Ember.Bridge.Receiving;

/// <summary>Reads a stream to its end, stopping at limit + 1 bytes so an endless or huge one costs no more than the limit.</summary>
internal static class BoundedRead
{
    /// <summary>All of <paramref name="stream"/>.</summary>
    /// <param name="stream">The bytes to read.</param>
    /// <param name="limit">Most bytes accepted.</param>
    /// <param name="what">Names the bytes in the error, e.g. "request body".</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <exception cref="PayloadTooLargeException">The stream holds more than <paramref name="limit"/> bytes.</exception>
    public static async ValueTask<byte[]> ReadAsync(Stream stream, long limit, string what, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                throw new PayloadTooLargeException($"{what} exceeds the limit of {limit} bytes");
            }
        }

        return buffer.ToArray();
    }
}
