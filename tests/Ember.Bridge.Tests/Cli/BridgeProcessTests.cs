using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Ember.Profiles.Otlp;
using Ember.TestSupport;
using Ember.Bridge.Tests.Hosting;

namespace Ember.Bridge.Tests.Cli;

/// <summary>The built ember-bridge as its own process: with no sink flag it writes pprof files to ./profiles, and SIGTERM stops it cleanly (exit 0).</summary>
public sealed partial class BridgeProcessTests
{
    [Fact]
    public async Task Ember_bridge_serves_with_the_default_file_sink_and_exits_0_on_SIGTERM()
    {
        var directory = Directory.CreateTempSubdirectory("ember-bridge-process-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "ember-bridge.dll"), "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            string? line;
            Match endpoints;
            do
            {
                line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                if (line is null)
                {
                    Assert.Fail("ember-bridge exited early: " + await stderr);
                }

                endpoints = Endpoints().Match(line!);
            }
            while (!endpoints.Success);

            using var http = new HttpClient { BaseAddress = new Uri(endpoints.Groups["http"].Value) };
            using var content = new ByteArrayContent(OtlpCodec.Encode(TestProfiles.Cpu("process-test")));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await http.PostAsync("v1development/profiles", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            var profiles = Path.Combine(directory, "profiles");
            for (var i = 0; i < 100 && !(Directory.Exists(profiles) && Directory.GetFiles(profiles, "process-test-*.pb.gz").Length > 0); i++)
            {
                await Task.Delay(100);
            }

            Assert.Single(Directory.GetFiles(profiles, "process-test-*.pb.gz"));
            Assert.True(Directory.Exists(Path.Combine(directory, "spool", "file-0")));
        }
        finally
        {
            ExternalProcess.RunChecked("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(0, process.ExitCode);
    }

    [GeneratedRegex(@"OTLP/gRPC on (?<grpc>http://\S+), OTLP/HTTP and /ingest on (?<http>http://\S+);")]
    private static partial Regex Endpoints();
}
