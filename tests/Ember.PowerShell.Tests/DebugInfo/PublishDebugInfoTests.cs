using System.IO.Hashing;
using System.Management.Automation;
using System.Text.RegularExpressions;
using Ember.PowerShell.Tests.Fakes;
using Ember.PowerShell.Tests.Module;
using Ember.TestSupport;

namespace Ember.PowerShell.Tests.DebugInfo;

public sealed partial class PublishDebugInfoTests : IAsyncLifetime, IDisposable
{
    private readonly ModuleHost _host = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-pwsh-debuginfo-").FullName;
    private FakeParcaDebuginfo _store = null!;
    private string _binary = string.Empty;
    private string _buildId = string.Empty;

    public async Task InitializeAsync()
    {
        _store = await FakeParcaDebuginfo.StartAsync();
        // A real ELF with a GNU build ID (coreutils' ls) grown past three upload chunks: bytes after
        // the section headers are ignored by ELF readers, so the build ID stays what readelf says.
        var ls = ExternalProcess.Require("ls", "coreutils");
        _binary = Path.Combine(_directory, "ls");
        File.Copy(ls, _binary);
        await using (var stream = new FileStream(_binary, FileMode.Append))
        {
            await stream.WriteAsync(new byte[3 * 1024 * 1024 + 12345]);
        }

        var readelf = ExternalProcess.RunChecked(ExternalProcess.Require("readelf", "binutils"), ["-n", _binary]);
        _buildId = GnuBuildIdLine().Match(readelf).Groups[1].Value;
    }

    [Fact]
    public void Uploads_through_the_four_step_protocol_reporting_progress()
    {
        var result = _host.Run($"Publish-DebugInfo -Path '{_binary}' -Store '{_store.Address}'").ThrowOnErrors();

        var upload = result.Output.Single();
        Assert.Equal(("Uploaded", _buildId), (Invocation.Property<string>(upload, "Status"), Invocation.Property<string>(upload, "BuildId")));
        Assert.Equal(["ShouldInitiateUpload", "InitiateUpload", "Upload", "MarkUploadFinished"], _store.Calls);
        var stored = _store.Stored[_buildId];
        var bytes = File.ReadAllBytes(_binary);
        Assert.True(stored.Finished);
        Assert.Equal(bytes, stored.Bytes);
        Assert.Equal(bytes.Length, stored.Size);
        // xxHash64 as Go's cespare/xxhash prints it: the published vector for "abc" pins the byte order.
        Assert.Equal("44bc2cf5ad770999", Convert.ToHexStringLower(XxHash64.Hash("abc"u8)));
        Assert.Equal(Convert.ToHexStringLower(XxHash64.Hash(bytes)), stored.Hash);
        // One record per 1 MiB chunk (4 for 3.01 MiB), then the completed record.
        Assert.Equal([31, 63, 95, 100], result.Progress.Where(p => p.RecordType == ProgressRecordType.Processing).Select(p => p.PercentComplete));
        Assert.Equal(ProgressRecordType.Completed, result.Progress[^1].RecordType);
    }

    [Fact]
    public void Skips_a_build_id_the_store_already_has_unless_forced()
    {
        _host.Run($"Publish-DebugInfo '{_binary}' -Store '{_store.Address}'").ThrowOnErrors();
        while (_store.Calls.TryDequeue(out _))
        {
        }

        var skipped = _host.Run($"Publish-DebugInfo '{_binary}' -Store '{_store.Address}'").ThrowOnErrors().Output.Single();
        Assert.Equal("Skipped", Invocation.Property<string>(skipped, "Status"));
        Assert.Contains("already exists", Invocation.Property<string>(skipped, "Reason"), StringComparison.Ordinal);
        Assert.Equal(["ShouldInitiateUpload"], _store.Calls);

        var forced = _host.Run($"Publish-DebugInfo '{_binary}' -Store '{_store.Address}' -Force").ThrowOnErrors().Output.Single();
        Assert.Equal("Uploaded", Invocation.Property<string>(forced, "Status"));
    }

    [Fact]
    public void WhatIf_contacts_no_store()
    {
        var result = _host.Run($"'{_binary}' | Publish-DebugInfo -Store '{_store.Address}' -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Empty(_store.Calls);
        var whatIf = Assert.Single(result.HostLines, l => l.StartsWith("What if:", StringComparison.Ordinal));
        Assert.Contains($"debug info for build ID {_buildId}", whatIf, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_file_whose_build_id_is_not_the_one_given()
    {
        var result = _host.Run($"Publish-DebugInfo '{_binary}' -Store '{_store.Address}' -BuildId 0123456789abcdef0123456789abcdef01234567");

        var error = Assert.Single(result.Errors);
        Assert.Equal("BuildIdMismatch,Ember.PowerShell.Commands.PublishDebugInfoCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal(_binary, error.TargetObject);
        Assert.Contains(_buildId, error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(_store.Calls);

        var matching = _host.Run($"Publish-DebugInfo '{_binary}' -Store '{_store.Address}' -BuildId {_buildId.ToUpperInvariant()}").ThrowOnErrors();
        Assert.Equal("Uploaded", Invocation.Property<string>(matching.Output.Single(), "Status"));
    }

    [Fact]
    public void A_binary_without_a_GNU_build_id_is_an_error()
    {
        var result = _host.Run($"Publish-DebugInfo '{GoPeer.FixtureBinary}' -Store '{_store.Address}'");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ElfReadFailed,Ember.PowerShell.Commands.PublishDebugInfoCommand", error.FullyQualifiedErrorId);
        Assert.Contains("no GNU build ID", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(_store.Calls);
    }

    [GeneratedRegex(@"Build ID: ([0-9a-f]+)")]
    private static partial Regex GnuBuildIdLine();

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();
}
