using System.Text.Json;
using Ember.Deploy.Tests.Support;

namespace Ember.Deploy.Tests.Docker;

/// <summary>
/// A Dockerfile of deploy/docker/ read into its instructions (comments dropped, continuation lines
/// joined), enough to check statically what cannot be built here (no Docker on this machine).
/// </summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<Instruction> instructions) => Instructions = instructions;

    /// <summary>The instructions in order.</summary>
    public IReadOnlyList<Instruction> Instructions { get; }

    /// <summary>The images of the FROM instructions, in order.</summary>
    public IEnumerable<string> BaseImages => Instructions.Where(i => i.Keyword == "FROM").Select(i => i.Arguments.Split(' ')[0]);

    /// <summary>Sources of the COPY instructions that read the build context (not another stage).</summary>
    public IEnumerable<string> ContextSources => Instructions
        .Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from=", StringComparison.Ordinal))
        .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1));

    /// <summary>The exec-form ENTRYPOINT.</summary>
    public IReadOnlyList<string> Entrypoint =>
        JsonSerializer.Deserialize<string[]>(Instructions.Single(i => i.Keyword == "ENTRYPOINT").Arguments)!;

    /// <summary>Reads deploy/docker/<paramref name="name"/>.</summary>
    public static Dockerfile Load(string name)
    {
        var instructions = new List<Instruction>();
        var pending = string.Empty;
        foreach (var raw in File.ReadAllLines(Repository.PathOf("deploy/docker/" + name)))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            pending += (pending.Length > 0 ? " " : string.Empty) + line.TrimEnd('\\').Trim();
            if (line.EndsWith('\\'))
            {
                continue;
            }

            var space = pending.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(new Instruction(pending[..space].ToUpperInvariant(), pending[(space + 1)..].Trim()));
            pending = string.Empty;
        }

        return new Dockerfile(instructions);
    }
}

/// <summary>One Dockerfile instruction: its keyword and the rest of the line.</summary>
internal sealed record Instruction(string Keyword, string Arguments);
