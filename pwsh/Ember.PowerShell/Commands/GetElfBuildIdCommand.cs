using System.Management.Automation;
using System.Runtime.Versioning;
using Ember.Symbols.Elf;
using Ember.Symbols.Identity;

namespace Ember.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads an ELF file's GNU build ID, Go build ID and htlhash.</para>
/// </summary>
// Ember.Symbols reads ELF files the way the Linux agent sees them; the module targets Linux fleets.
[SupportedOSPlatform("linux")]
[Cmdlet(VerbsCommon.Get, "ElfBuildId", DefaultParameterSetName = PathSet)]
[OutputType(typeof(BuildIdInfo))]
public sealed class GetElfBuildIdCommand : EmberCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Error ID: the file is not a readable ELF file.</summary>
    public const string ElfError = "ElfReadFailed";

    /// <summary>Error ID: a path matched no file.</summary>
    public const string NotFoundError = "ElfNotFound";

    #region Parameters

    /// <summary>ELF files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>ELF files, taken literally; binds PSPath from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    #endregion

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var files = new List<string>();
        if (ParameterSetName == LiteralPathSet)
        {
            files.AddRange(LiteralPath.Select(GetUnresolvedProviderPathFromPSPath));
        }
        else
        {
            foreach (var path in Path)
            {
                try
                {
                    files.AddRange(GetResolvedProviderPathFromPSPath(path, out _));
                }
                catch (ItemNotFoundException e)
                {
                    WriteError(e, NotFoundError, ErrorCategory.ObjectNotFound, path);
                }
            }
        }

        foreach (var file in files)
        {
            try
            {
                using var elf = ElfFile.Open(file);
                WriteObject(new BuildIdInfo(file, elf.GnuBuildId, elf.GoBuildId, HtlHash.Compute(file)));
            }
            catch (ElfFormatException e)
            {
                WriteError(e, ElfError, ErrorCategory.InvalidData, file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(e, NotFoundError, ErrorCategory.ReadError, file);
            }
        }
    }
}
