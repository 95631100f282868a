using Ember.Deploy.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ember.Deploy.Tests.Metrics;

/// <summary>
/// Finds the instrument definitions in the C# source of agent/ and otlp-bridge/ by parsing it
/// (Roslyn syntax trees, no compilation): every call of a <c>System.Diagnostics.Metrics.Meter</c>
/// factory method, with its name, kind and unit. A call whose name or unit is not a string literal
/// is an error, not a skip, so a dashboard can never be checked against a partial list.
/// </summary>
internal static class SourceInstruments
{
    /// <summary>The folders whose code defines the metrics the dashboards may query.</summary>
    public static readonly string[] SourceFolders = ["agent", "otlp-bridge"];

    private static readonly Dictionary<string, InstrumentKind> Factories = new(StringComparer.Ordinal)
    {
        ["CreateCounter"] = InstrumentKind.Counter,
        ["CreateObservableCounter"] = InstrumentKind.Counter,
        ["CreateUpDownCounter"] = InstrumentKind.UpDownCounter,
        ["CreateObservableUpDownCounter"] = InstrumentKind.UpDownCounter,
        ["CreateGauge"] = InstrumentKind.Gauge,
        ["CreateObservableGauge"] = InstrumentKind.Gauge,
        ["CreateHistogram"] = InstrumentKind.Histogram,
    };

    private static readonly Lazy<IReadOnlyList<InstrumentDefinition>> LazyAll = new(() =>
        SourceFolders
            .SelectMany(folder => Directory.EnumerateFiles(Repository.PathOf(folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains("/obj/", StringComparison.Ordinal) && !file.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(file => Find(File.ReadAllText(file), Repository.Relative(file)))
            .ToList());

    /// <summary>Every instrument defined in agent/ and otlp-bridge/.</summary>
    public static IReadOnlyList<InstrumentDefinition> All => LazyAll.Value;

    /// <summary>The instrument definitions in one C# source text.</summary>
    /// <exception cref="InvalidOperationException">A factory call whose name or unit is not a literal.</exception>
    public static IEnumerable<InstrumentDefinition> Find(string code, string source)
    {
        var root = CSharpSyntaxTree.ParseText(code).GetRoot();
        foreach (var call in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (call.Expression is not MemberAccessExpressionSyntax access
                || !Factories.TryGetValue(access.Name.Identifier.ValueText, out var kind))
            {
                continue;
            }

            var where = $"{source}:{call.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";
            var observable = access.Name.Identifier.ValueText.Contains("Observable", StringComparison.Ordinal);
            var name = Argument(call, "name", 0) is { } nameArgument
                ? Literal(nameArgument, where) ?? throw new InvalidOperationException($"{where}: instrument name is null")
                : throw new InvalidOperationException($"{where}: instrument without a name");

            // Observable factories take the callback second, so the unit is third.
            var unit = Argument(call, "unit", observable ? 2 : 1) is { } unitArgument ? Literal(unitArgument, where) : null;
            yield return new InstrumentDefinition(name, kind, unit, where);
        }
    }

    private static ExpressionSyntax? Argument(InvocationExpressionSyntax call, string parameter, int position)
    {
        var arguments = call.ArgumentList.Arguments;
        if (arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameter) is { } named)
        {
            return named.Expression;
        }

        var positional = arguments.TakeWhile(a => a.NameColon is null).ToList();
        return position < positional.Count ? positional[position].Expression : null;
    }

    private static string? Literal(ExpressionSyntax expression, string where) => expression switch
    {
        LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression) => literal.Token.ValueText,
        LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.NullLiteralExpression) => null,
        _ => throw new InvalidOperationException(
            $"{where}: '{expression}' is not a string literal; write instrument names and units as literals so the dashboards can be checked against them"),
    };
}
