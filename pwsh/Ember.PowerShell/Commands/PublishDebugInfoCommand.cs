using System.Globalization;
using System.Management.Automation;
using System.Runtime.Versioning;
using Ember.PowerShell.Backends;
using Ember.PowerShell.DebugInfo;
using Ember.Symbols.Elf;

namespace Ember.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Uploads a binary's debug info to a Parca debuginfo store.</para>
/// </summary>
// Ember.Symbols reads ELF files the way the Linux agent sees them; the module targets Linux fleets.
[SupportedOSPlatform("linux")]
[Cmdlet(VerbsData.Publish, "DebugInfo", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DebugInfoUpload))]
public sealed class PublishDebugInfoCommand : StoreCmdlet
{
    /// <summary>Error ID: the file is not ELF or has no GNU build ID.</summary>
    public const string ElfError = "ElfReadFailed";

    /// <summary>Error ID: the file's build ID differs from -BuildId.</summary>
    public const string MismatchError = "BuildIdMismatch";

    /// <summary>Error ID: a path matched no file.</summary>
    public const string NotFoundError = "DebugInfoFileNotFound";

    /// <summary>Error ID: the store refused a step or could not be reached.</summary>
    public const string UploadError = "DebugInfoUploadFailed";

    private const int ProgressActivityId = 1;

    private ParcaDebuginfoClient? _client;

    #region Parameters

    /// <summary>The binary or debug file; wildcards allowed; binds PSPath from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Address of the store's gRPC API: a URL, or host:port (TLS unless -Insecure).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Store { get; set; } = string.Empty;

    /// <summary>The GNU build ID the file must have; a file with another one is refused.</summary>
    [Parameter]
    [ValidatePattern("^[0-9a-fA-F]{2,}$")]
    public string? BuildId { get; set; }

    /// <summary>Uploads even when the store says it has the build ID.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>With a host:port address: plaintext instead of TLS.</summary>
    [Parameter]
    public SwitchParameter Insecure { get; set; }

    #endregion

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        try
        {
            _client = new ParcaDebuginfoClient(new StoreOptions(Insecure: Insecure).GrpcAddress(Store), ResolveBearerToken());
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(e, UploadError, ErrorCategory.InvalidArgument, Store);
        }
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            IEnumerable<string> files;
            try
            {
                files = GetResolvedProviderPathFromPSPath(path, out _);
            }
            catch (ItemNotFoundException e)
            {
                WriteError(e, NotFoundError, ErrorCategory.ObjectNotFound, path);
                continue;
            }

            foreach (var file in files)
            {
                Publish(file);
            }
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing() => _client?.Dispose();

    private void Publish(string file)
    {
        string buildId;
        try
        {
            using var elf = ElfFile.Open(file);
            buildId = elf.GnuBuildId
                ?? throw new ElfFormatException($"{file} has no GNU build ID (.note.gnu.build-id); Go binaries need -ldflags=-linkmode=external or a build ID note");
        }
        catch (ElfFormatException e)
        {
            WriteError(e, ElfError, ErrorCategory.InvalidData, file);
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(e, NotFoundError, ErrorCategory.ReadError, file);
            return;
        }

        if (BuildId is not null && !string.Equals(BuildId, buildId, StringComparison.OrdinalIgnoreCase))
        {
            WriteError(new InvalidDataException($"{file} has build ID {buildId}, not {BuildId.ToLowerInvariant()}: refusing to upload the wrong binary"),
                MismatchError, ErrorCategory.InvalidData, file);
            return;
        }

        var size = new FileInfo(file).Length;
        if (!ShouldProcess(file, $"Upload {size} bytes of debug info for build ID {buildId} to {Store}"))
        {
            return;
        }

        try
        {
            WriteObject(Upload(file, buildId, size));
        }
        catch (ProfileStoreException e)
        {
            WriteError(e, UploadError, e.IsUnreachable ? ErrorCategory.ConnectionError : ErrorCategory.InvalidResult, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(e, NotFoundError, ErrorCategory.ReadError, file);
        }
    }

    private DebugInfoUpload Upload(string file, string buildId, long size)
    {
        var client = _client!;
        var (upload, reason) = Await(token => client.ShouldInitiateAsync(buildId, Force, token));
        if (!upload)
        {
            WriteVerbose($"{buildId}: {reason}");
            return new DebugInfoUpload(file, buildId, Store, "Skipped", 0, reason);
        }

        var hash = Await(token => ParcaDebuginfoClient.HashAsync(file, token));
        var uploadId = Await(token => client.InitiateAsync(buildId, size, hash, Force, token));
        var activity = $"Uploading debug info {buildId}";
        using (var call = Await(token => client.OpenUploadAsync(buildId, uploadId, token)))
        using (var stream = File.OpenRead(file))
        {
            var buffer = new byte[ParcaDebuginfoClient.ChunkSize];
            long sent = 0;
            int read;
            while ((read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
            {
                var chunk = buffer.AsMemory(0, read);
                Await(async token =>
                {
                    await ParcaDebuginfoClient.SendChunkAsync(call, chunk, token).ConfigureAwait(false);
                    return true;
                });
                sent += read;
                // A new record each time: hosts may keep the records they were given.
                WriteProgress(new ProgressRecord(ProgressActivityId, activity, string.Create(CultureInfo.InvariantCulture, $"{sent} of {size} bytes"))
                {
                    PercentComplete = (int)(sent * 100 / Math.Max(size, 1)),
                });
            }

            var received = Await(_ => ParcaDebuginfoClient.CompleteUploadAsync(call));
            if ((long)received != sent)
            {
                throw new ProfileStoreException($"the store received {received} bytes of {sent} sent for {buildId}");
            }
        }

        Await(async token =>
        {
            await client.MarkFinishedAsync(buildId, uploadId, token).ConfigureAwait(false);
            return true;
        });
        WriteProgress(new ProgressRecord(ProgressActivityId, activity, "done") { RecordType = ProgressRecordType.Completed });
        return new DebugInfoUpload(file, buildId, Store, "Uploaded", size, reason);
    }
}
