using Ember.PowerShell.Tests.Fakes;
using Ember.PowerShell.Tests.Module;

namespace Ember.PowerShell.Tests.Pipeline;

public sealed class GetProfileTests : IAsyncLifetime, IDisposable
{
    private readonly ModuleHost _host = new();
    private FakePyroscope _pyroscope = null!;

    public async Task InitializeAsync() => _pyroscope = await FakePyroscope.StartAsync();

    [Fact]
    public void Fetches_the_merged_profile_for_the_range_and_selector_from_Pyroscope()
    {
        _pyroscope.Series.Add(PipelineProfiles.Checkout());
        _pyroscope.Series.Add(PipelineProfiles.Checkout(service: "payments"));
        var from = DateTimeOffset.UtcNow.AddMinutes(-10);
        var until = DateTimeOffset.UtcNow;

        var result = _host.Run(
            $"Get-Profile -Pyroscope '{_pyroscope.Address}' -Query 'process_cpu:cpu:nanoseconds:cpu:nanoseconds{{service_name=\"checkout\"}}' -From $from -Until $until -Tenant t1 -BearerToken (ConvertTo-SecureString tok -AsPlainText -Force) | Get-ProfileTopFunction -Top 1",
            new Dictionary<string, object?> { ["from"] = from, ["until"] = until }).ThrowOnErrors();

        var top = result.Output.Single();
        Assert.Equal("encode", Invocation.Property<string>(top, "Function"));
        Assert.Equal(1.0, Invocation.Property<double?>(top, "CpuSeconds")!.Value, 9);
        var query = _pyroscope.Queries.Single();
        Assert.Equal(("SelectMergeProfile", "{service_name=\"checkout\"}"), (query.Method, query.Selector));
        Assert.Equal(from.ToUnixTimeMilliseconds(), query.StartMs);
        Assert.Equal(until.ToUnixTimeMilliseconds(), query.EndMs);
        Assert.Equal(("t1", "Bearer tok"), (query.Tenant, query.Authorization));
    }

    [Fact]
    public async Task Fetches_from_Parca_over_gRPC()
    {
        await using var parca = await FakeParca.StartAsync();
        parca.Series.Add(PipelineProfiles.Checkout(profileType: "parca_agent:samples:count:cpu:nanoseconds:delta"));

        // host:port with -Insecure, as parca-debuginfo and parca-agent take addresses: plaintext h2c.
        var profile = _host.Run($"Get-Profile -Parca '{parca.Address.Authority}' -Insecure 'parca_agent:samples:count:cpu:nanoseconds:delta{{service_name=\"checkout\"}}'")
            .ThrowOnErrors().Output.Single();

        Assert.Equal(2, Invocation.Property<int>(profile, "SampleCount"));
        var request = parca.Queries.Single().Request;
        Assert.Equal(TimeSpan.FromHours(1), request.Merge.End.ToDateTimeOffset() - request.Merge.Start.ToDateTimeOffset());
    }

    [Fact]
    public void A_store_error_and_a_malformed_query_have_their_own_error_ids()
    {
        var refused = _host.Run($"Get-Profile -Pyroscope '{_pyroscope.Address}' -Query 'process_cpu:cpu:nanoseconds:cpu:nanoseconds{{service_name=~\"x.*\"}}'");
        var error = Assert.Single(refused.Errors);
        Assert.Equal("ProfileQueryFailed,Ember.PowerShell.Commands.GetProfileCommand", error.FullyQualifiedErrorId);
        Assert.Contains("invalid_argument", error.Exception.Message, StringComparison.Ordinal);

        var unreachable = _host.Run("Get-Profile -Pyroscope http://127.0.0.1:9 -Query 'process_cpu:cpu:nanoseconds:cpu:nanoseconds{}'");
        Assert.Equal("ProfileStoreUnreachable,Ember.PowerShell.Commands.GetProfileCommand", Assert.Single(unreachable.Errors).FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ConnectionError, unreachable.Errors[0].CategoryInfo.Category);

        var malformed = _host.Run($"Get-Profile -Pyroscope '{_pyroscope.Address}' -Query 'service_name=checkout'");
        Assert.Equal("ProfileQueryInvalid,Ember.PowerShell.Commands.GetProfileCommand", Assert.Single(malformed.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public async Task Stopping_the_pipeline_cancels_the_request()
    {
        _pyroscope.Delay = TimeSpan.FromMinutes(5);
        using var shell = _host.CreateShell($"Get-Profile -Pyroscope '{_pyroscope.Address}' -Query 'process_cpu:cpu:nanoseconds:cpu:nanoseconds{{}}'");
        var invocation = shell.BeginInvoke();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_pyroscope.Queries.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(_pyroscope.Queries.IsEmpty, "the query never reached the store");
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        shell.Stop();  // what Ctrl+C does

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Stop took {stopwatch.Elapsed}");
        Assert.Equal(System.Management.Automation.PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        Assert.True(invocation.IsCompleted);
        await _pyroscope.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose() => _host.Dispose();

    public async Task DisposeAsync() => await _pyroscope.DisposeAsync();
}
