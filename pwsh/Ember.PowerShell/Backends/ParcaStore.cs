using Ember.PowerShell.Protos.Parca.Query;
using Ember.Profiles;
using Ember.Profiles.IO;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Backends;

/// <summary>
/// Parca's query API over gRPC: <c>parca.query.v1alpha1.QueryService/Query</c> in merge mode with a
/// pprof report. Parca keeps pprof string labels (span_id among them) as label columns, so a span's
/// profile is the same query with <c>span_id="..."</c> added.
/// </summary>
internal sealed class ParcaStore : IProfileStore
{
    private readonly GrpcChannel _channel;
    private readonly QueryService.QueryServiceClient _client;
    private readonly Metadata _headers = [];

    public ParcaStore(Uri address, StoreOptions options)
    {
        Name = "Parca " + address;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        _client = new QueryService.QueryServiceClient(_channel);
        if (options.BearerToken is { Length: > 0 } token)
        {
            _headers.Add("authorization", "Bearer " + token);
        }
    }

    public string Name { get; }

    public async Task<Pprof.Profile> MergeAsync(ProfileQuery query, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            Mode = QueryRequest.Types.Mode.Merge,
            Merge = new MergeProfile { Query = query.ToString(), Start = Timestamp.FromDateTimeOffset(from), End = Timestamp.FromDateTimeOffset(until) },
            ReportType = QueryRequest.Types.ReportType.Pprof,
        };
        QueryResponse response;
        try
        {
            response = await _client.QueryAsync(request, _headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new ProfileStoreException($"{Name} refused the query {query}: {e.Status.StatusCode} {e.Status.Detail}", e)
            {
                IsUnreachable = e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded,
            };
        }

        try
        {
            return ProfileDocument.Parse(response.Pprof.Memory, ProfileFormat.Pprof).Pprof;
        }
        catch (ProfileFormatException e)
        {
            throw new ProfileStoreException($"{Name} answered with an invalid profile: {e.Message}", e);
        }
    }

    public async Task<long> SpanTotalAsync(ProfileQuery query, string spanId, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var profile = await MergeAsync(query.With("span_id", spanId), from, until, cancellationToken).ConfigureAwait(false);
        return profile.Samples.Sum(static s => s.Values.Count == 0 ? 0 : s.Values[^1]);
    }

    public void Dispose() => _channel.Dispose();
}
