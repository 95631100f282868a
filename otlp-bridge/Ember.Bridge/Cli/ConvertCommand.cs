using System.CommandLine;
using Ember.Profiles;
using Ember.Profiles.IO;
using Ember.Profiles.Rendering;

namespace Ember.Bridge.Cli;

/// <summary>
/// <c>ember-bridge convert IN OUT [--to FORMAT] [--from FORMAT] [--diff-base BEFORE]</c>: converts a
/// profile between pprof, OTLP (binary or JSON), folded stacks and HTML flame graphs.
/// </summary>
internal static class ConvertCommand
{
    private static readonly string FormatList = string.Join("|", ProfileFormats.Names);

    public static Command Create(TextWriter output, TextWriter error)
    {
        var input = new Argument<string>("IN") { Description = "Profile to read (format from --from, the extension, or the content; gzip is detected)." };
        var target = new Argument<string>("OUT") { Description = "File to write." };
        var to = new Option<string?>("--to") { Description = $"Output format: {FormatList} (default: from OUT's extension).", HelpName = "format" };
        var from = new Option<string?>("--from") { Description = "Input format: pprof|otlp|otlp-json|folded (default: from IN's extension or content).", HelpName = "format" };
        var diffBase = new Option<string?>("--diff-base") { Description = "Write a diff flame graph (HTML) of IN against this earlier profile: red grew, blue shrank.", HelpName = "BEFORE" };
        var command = new Command("convert", "Convert a profile between pprof, OTLP, OTLP/JSON, folded stacks and HTML flame graphs.")
        {
            input, target, to, from, diffBase,
        };
        command.SetAction(result => Execute(
            new ConvertRequest(result.GetValue(input)!, result.GetValue(target)!, result.GetValue(to), result.GetValue(from), result.GetValue(diffBase)),
            output,
            error));
        return command;
    }

    internal sealed record ConvertRequest(string Input, string Output, string? To, string? From, string? DiffBase);

    internal static int Execute(ConvertRequest request, TextWriter output, TextWriter error)
    {
        if (!TryResolveFormats(request, error, out var inputFormat, out var outputFormat))
        {
            return ExitCodes.Usage;
        }

        string current = request.Input;
        try
        {
            var document = ProfileDocument.Load(request.Input, inputFormat);
            byte[] bytes;
            if (request.DiffBase is { } basePath)
            {
                current = basePath;
                var before = ProfileDocument.Load(basePath);
                bytes = System.Text.Encoding.UTF8.GetBytes(FlameGraphHtml.RenderDiff(before.Pprof, document.Pprof));
            }
            else
            {
                bytes = document.Write(outputFormat);
            }

            current = request.Output;
            ProfileFiles.WriteAtomically(request.Output, bytes);
            output.WriteLine($"wrote {request.Output} ({ProfileFormats.Name(outputFormat)}, {bytes.Length} bytes)");
            return ExitCodes.Ok;
        }
        catch (ProfileFormatException ex)
        {
            error.WriteLine($"ember-bridge convert: {current}: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"ember-bridge convert: {current}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    private static bool TryResolveFormats(ConvertRequest request, TextWriter error, out ProfileFormat? inputFormat, out ProfileFormat outputFormat)
    {
        inputFormat = null;
        outputFormat = default;
        if (request.From is { } fromName)
        {
            if (!ProfileFormats.TryParse(fromName, out var parsed) || parsed == ProfileFormat.Html)
            {
                error.WriteLine($"ember-bridge convert: unknown input format '{fromName}'; use --from pprof|otlp|otlp-json|folded");
                return false;
            }

            inputFormat = parsed;
        }
        else if (ProfileFormats.FromPath(request.Input) is { } implied)
        {
            if (implied == ProfileFormat.Html)
            {
                error.WriteLine($"ember-bridge convert: {request.Input}: HTML flame graphs cannot be read back; convert from the profile they were made of");
                return false;
            }

            inputFormat = implied;
        }

        if (request.To is { } toName)
        {
            if (!ProfileFormats.TryParse(toName, out outputFormat))
            {
                error.WriteLine($"ember-bridge convert: unknown output format '{toName}'; use --to {FormatList}");
                return false;
            }
        }
        else if (ProfileFormats.FromPath(request.Output) is { } implied)
        {
            outputFormat = implied;
        }
        else
        {
            error.WriteLine($"ember-bridge convert: cannot tell the output format from '{request.Output}'; use --to {FormatList}");
            return false;
        }

        if (request.DiffBase is not null && outputFormat != ProfileFormat.Html)
        {
            error.WriteLine("ember-bridge convert: --diff-base writes a diff flame graph; the output format must be html");
            return false;
        }

        return true;
    }
}
