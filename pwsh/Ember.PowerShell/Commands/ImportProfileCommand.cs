using System.Management.Automation;
using Ember.Profiles;
using Ember.Profiles.IO;

namespace Ember.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads profiles: pprof, OTLP (binary or JSON) and folded stacks.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "Profile", DefaultParameterSetName = PathSet)]
[OutputType(typeof(EmberProfile))]
public sealed class ImportProfileCommand : EmberCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Error ID: a path matched no file.</summary>
    public const string NotFoundError = "ProfileNotFound";

    /// <summary>Error ID: a file is not a profile of the expected format.</summary>
    public const string ParseError = "ProfileParseFailed";

    #region Parameters

    /// <summary>Files to read; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Files to read, taken literally (no wildcards); binds PSPath from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The format; by default from the extension, else from the content.</summary>
    [Parameter]
    [ValidateSet("pprof", "otlp", "otlp-json", "folded")]
    public string? Format { get; set; }

    #endregion

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case LiteralPathSet:
                foreach (var path in LiteralPath)
                {
                    var resolved = GetUnresolvedProviderPathFromPSPath(path);
                    if (File.Exists(resolved))
                    {
                        Import(resolved);
                    }
                    else
                    {
                        WriteError(new FileNotFoundException($"no such profile file: {resolved}", resolved), NotFoundError, ErrorCategory.ObjectNotFound, path);
                    }
                }

                break;
            default:
                foreach (var path in Path)
                {
                    foreach (var resolved in Resolve(path))
                    {
                        Import(resolved);
                    }
                }

                break;
        }
    }

    private List<string> Resolve(string path)
    {
        try
        {
            var resolved = GetResolvedProviderPathFromPSPath(path, out _);
            if (resolved.Count == 0)
            {
                WriteError(new FileNotFoundException($"no file matches {path}", path), NotFoundError, ErrorCategory.ObjectNotFound, path);
            }

            return [.. resolved];
        }
        catch (ItemNotFoundException e)
        {
            WriteError(e, NotFoundError, ErrorCategory.ObjectNotFound, path);
            return [];
        }
    }

    private void Import(string path)
    {
        ProfileFormat? format = null;
        if (Format is not null && ProfileFormats.TryParse(Format, out var named))
        {
            format = named;
        }

        try
        {
            WriteObject(new EmberProfile(ProfileDocument.Load(path, format), path));
        }
        catch (ProfileFormatException e)
        {
            WriteError(e, ParseError, ErrorCategory.InvalidData, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(e, NotFoundError, ErrorCategory.ReadError, path);
        }
    }
}
