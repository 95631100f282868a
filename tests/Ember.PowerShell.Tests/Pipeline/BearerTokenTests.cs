using Ember.PowerShell.Tests.Fakes;
using Ember.PowerShell.Tests.Module;

namespace Ember.PowerShell.Tests.Pipeline;

/// <summary>
/// The store cmdlets take their bearer token as a SecureString or from a file, never as a plain
/// string, and never show it on any stream.
/// </summary>
public sealed class BearerTokenTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "tok-8f3a1c";
    private readonly ModuleHost _host = new();
    private readonly string _tokenFile = Path.GetTempFileName();
    private FakePyroscope _pyroscope = null!;

    public async Task InitializeAsync()
    {
        _pyroscope = await FakePyroscope.StartAsync();
        _pyroscope.Series.Add(PipelineProfiles.Checkout());
        File.WriteAllText(_tokenFile, $"  {Secret}\n");
    }

    [Fact]
    public void A_token_file_is_sent_trimmed_as_the_authorization_header()
    {
        _host.Run(Query($"-BearerTokenFile '{_tokenFile}'")).ThrowOnErrors();

        Assert.Equal("Bearer " + Secret, _pyroscope.Queries.Single().Authorization);
    }

    [Fact]
    public void A_plain_string_token_is_refused_by_parameter_binding_and_nothing_is_sent()
    {
        var result = _host.Run(Query($"-BearerToken {Secret}"));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("CannotConvertArgumentNoMessage,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Empty(_pyroscope.Queries);
    }

    [Fact]
    public void Both_a_token_and_a_token_file_is_an_argument_error_and_nothing_is_sent()
    {
        var result = _host.Run(Query($"-BearerToken (ConvertTo-SecureString {Secret} -AsPlainText -Force) -BearerTokenFile '{_tokenFile}'"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("not both", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(_pyroscope.Queries);
    }

    [Fact]
    public void A_missing_or_empty_token_file_is_an_argument_error_naming_the_file()
    {
        var missing = _host.Run(Query("-BearerTokenFile /nonexistent/ember-token"));
        File.WriteAllText(_tokenFile, " \n");
        var empty = _host.Run(Query($"-BearerTokenFile '{_tokenFile}'"));

        Assert.Contains("/nonexistent/ember-token cannot be read", Assert.Single(missing.Errors).Exception.Message, StringComparison.Ordinal);
        Assert.Contains("is empty", Assert.Single(empty.Errors).Exception.Message, StringComparison.Ordinal);
        Assert.Empty(_pyroscope.Queries);
    }

    [Fact]
    public void The_token_is_on_no_stream_with_verbose_and_debug_on()
    {
        var script = $"$DebugPreference = 'Continue'; $VerbosePreference = 'Continue'; " +
            $"Test-ProfilingPipeline -Pyroscope '{_pyroscope.Address}' -Service checkout -SkipKubernetes -BearerToken (ConvertTo-SecureString {Secret} -AsPlainText -Force) -Verbose -Debug | Format-List * | Out-String";

        var result = _host.Run(script);

        Assert.NotEmpty(result.Verbose);
        Assert.NotEmpty(_pyroscope.Queries);
        Assert.All(_pyroscope.Queries, q => Assert.Equal("Bearer " + Secret, q.Authorization));
        var shown = result.Output.Select(o => o.ToString())
            .Concat(result.Verbose.Select(r => r.Message))
            .Concat(result.Debug.Select(r => r.Message))
            .Concat(result.Warnings.Select(r => r.Message))
            .Concat(result.Errors.Select(r => r.ToString()))
            .Concat(result.HostLines);
        Assert.DoesNotContain(shown, text => text.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public void Store_options_print_without_the_token()
    {
        var text = (string)_host.Run($"[Ember.PowerShell.Backends.StoreOptions]::new('t1', '{Secret}', $false).ToString()").ThrowOnErrors().Output.Single().BaseObject;

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("BearerToken = (redacted)", text, StringComparison.Ordinal);
        Assert.Contains("Tenant = t1", text, StringComparison.Ordinal);
    }

    private string Query(string token) =>
        $"Get-Profile -Pyroscope '{_pyroscope.Address}' -Query 'process_cpu:cpu:nanoseconds:cpu:nanoseconds{{service_name=\"checkout\"}}' {token}";

    public async Task DisposeAsync() => await _pyroscope.DisposeAsync();

    public void Dispose()
    {
        _host.Dispose();
        File.Delete(_tokenFile);
    }
}
