using System.CommandLine;
using Ember.Agent.Sampling;

namespace Ember.Agent.Cli;

/// <summary>The <c>--unwind-memory</c> flag <c>run</c> and <c>record</c> share: the kernel memory of the user-stack walk.</summary>
internal static class UnwindMemoryOption
{
    public static readonly string Default = SizeParser.Format(UnwindMemoryBudget.DefaultBytes);

    public static Option<string> Create() => new("--unwind-memory")
    {
        Description =
            $"Kernel memory (BPF maps) for unwinding code without frame pointers: per-process mappings and the .eh_frame tables, " +
            $"shared by all processes mapping a file and evicted least recently used first. {SizeParser.Format(UnwindMemoryBudget.MinBytes)} to " +
            $"{SizeParser.Format(UnwindMemoryBudget.MaxBytes)}, or 0 for frame pointers only.",
        DefaultValueFactory = _ => Default,
    };

    /// <summary>The budget <paramref name="text"/> names, or false with the usage error to print.</summary>
    public static bool TryParse(string? text, out UnwindMemoryBudget budget, out string error)
    {
        budget = default;
        error = "";
        if (!SizeParser.TryParse(text, out var bytes))
        {
            error = $"invalid --unwind-memory '{text}'; use e.g. 16MiB, 64MiB, or 0";
            return false;
        }

        budget = new UnwindMemoryBudget(bytes);
        if (!budget.IsValid)
        {
            error = $"--unwind-memory {text} is outside {SizeParser.Format(UnwindMemoryBudget.MinBytes)}..{SizeParser.Format(UnwindMemoryBudget.MaxBytes)} (0 turns the walk off)";
            return false;
        }

        return true;
    }
}
