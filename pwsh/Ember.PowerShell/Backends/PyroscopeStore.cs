using System.Net.Http.Headers;
using System.Text.Json;
using Ember.Profiles;
using Ember.Profiles.IO;
using Google.Protobuf;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Backends;

/// <summary>
/// Pyroscope's query API (querier.v1.QuerierService) over the Connect protocol with the binary
/// codec: <c>POST /querier.v1.QuerierService/&lt;Method&gt;</c>, <c>Content-Type: application/proto</c>.
/// SelectMergeProfile answers with the merged profile as a pprof message (google.v1.Profile has
/// pprof's field numbers); SelectMergeSpanProfile filters by span IDs. Times are milliseconds.
/// </summary>
internal sealed class PyroscopeStore : IProfileStore
{
    private const string QuerierService = "querier.v1.QuerierService/";
    private readonly HttpClient _http;

    public PyroscopeStore(Uri baseAddress, StoreOptions options)
    {
        Name = "Pyroscope " + baseAddress;
        var root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _http = new HttpClient { BaseAddress = root, Timeout = TimeSpan.FromMinutes(2) };
        _http.DefaultRequestHeaders.Add("Connect-Protocol-Version", "1");
        if (options.Tenant is { Length: > 0 } tenant)
        {
            _http.DefaultRequestHeaders.Add("X-Scope-OrgID", tenant);
        }

        if (options.BearerToken is { Length: > 0 } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public string Name { get; }

    public async Task<Pprof.Profile> MergeAsync(ProfileQuery query, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // SelectMergeProfileRequest{profile_typeID=1, label_selector=2, start=3, end=4}.
        var body = Encode(output =>
        {
            WriteString(output, 1, query.ProfileType);
            WriteString(output, 2, query.Selector);
            WriteInt64(output, 3, from.ToUnixTimeMilliseconds());
            WriteInt64(output, 4, until.ToUnixTimeMilliseconds());
        });
        var response = await CallAsync("SelectMergeProfile", body, cancellationToken).ConfigureAwait(false);
        try
        {
            return ProfileDocument.Parse(response, ProfileFormat.Pprof).Pprof;
        }
        catch (ProfileFormatException e)
        {
            throw new ProfileStoreException($"{Name} answered SelectMergeProfile with an invalid profile: {e.Message}", e);
        }
    }

    public async Task<long> SpanTotalAsync(ProfileQuery query, string spanId, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // SelectMergeSpanProfileRequest{profile_typeID=1, label_selector=2, span_selector=3, start=4, end=5}.
        var body = Encode(output =>
        {
            WriteString(output, 1, query.ProfileType);
            WriteString(output, 2, query.Selector);
            WriteString(output, 3, spanId);
            WriteInt64(output, 4, from.ToUnixTimeMilliseconds());
            WriteInt64(output, 5, until.ToUnixTimeMilliseconds());
        });
        var response = await CallAsync("SelectMergeSpanProfile", body, cancellationToken).ConfigureAwait(false);
        try
        {
            // SelectMergeSpanProfileResponse{FlameGraph flamegraph=1}; FlameGraph{int64 total=3}.
            var flameGraph = Field(response, 1, WireFormat.WireType.LengthDelimited) is { } bytes ? bytes : ByteString.Empty;
            return Int64Field(flameGraph, 3);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ProfileStoreException($"{Name} answered SelectMergeSpanProfile with an invalid message: {e.Message}", e);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<byte[]> CallAsync(string method, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/proto");
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(QuerierService + method, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ProfileStoreException($"{Name} is unreachable: {e.Message}", e) { IsUnreachable = true };
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProfileStoreException($"{Name} did not answer {method} in time", e) { IsUnreachable = true };
        }

        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ProfileStoreException($"{Name} refused {method}: HTTP {(int)response.StatusCode} {ConnectError(bytes)}");
            }

            return bytes;
        }
    }

    /// <summary>The message of a Connect error body (<c>{"code":"...","message":"..."}</c>), else the raw text.</summary>
    private static string ConnectError(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var code = json.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            var message = json.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
            return $"{code}: {message}";
        }
        catch (JsonException)
        {
            return System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 512)));
        }
    }

    private static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return buffer.ToArray();
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    private static ByteString? Field(byte[] message, int field, WireFormat.WireType type)
    {
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == type)
            {
                return input.ReadBytes();
            }

            input.SkipLastField();
        }

        return null;
    }

    private static long Int64Field(ByteString message, int field)
    {
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
            {
                return input.ReadInt64();
            }

            input.SkipLastField();
        }

        return 0;
    }
}
