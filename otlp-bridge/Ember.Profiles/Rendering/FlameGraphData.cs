using System.Text;
using System.Text.Json;

namespace Ember.Profiles.Rendering;

/// <summary>
/// The JSON a flame graph page embeds. The tree is flattened in preorder into one array of numbers,
/// a fixed number per node: name index, total, self, [before total, before self,] child count; names
/// are interned in <c>names</c>. <c>leftOut</c> counts call paths too small to embed and
/// <c>absentAfter</c> those of a diff found only in "before", which have no width to draw. The
/// default encoder escapes &lt; &gt; &amp; and quotes, so the JSON can sit inside a script element
/// whatever the function names are.
/// </summary>
internal static class FlameGraphData
{
    /// <summary>Why a child is or is not written.</summary>
    private enum Embedding
    {
        Kept,
        BelowMinimumShare,
        AbsentAfter,
    }

    public static string Of(CallTree tree, FlameGraphOptions options)
    {
        var minimum = options.MinEmbeddedShare * Math.Abs((double)tree.Total);
        return Write(
            tree.Root,
            static n => n.Children,
            n => Math.Abs((double)n.Total) >= minimum ? Embedding.Kept : Embedding.BelowMinimumShare,
            static n => n.Name,
            static (json, n) =>
            {
                json.WriteNumberValue(n.Total);
                json.WriteNumberValue(n.Self);
            },
            json =>
            {
                json.WriteBoolean("diff", false);
                WriteType(json, string.Empty, tree.SampleType);
                WriteViewOptions(json, options);
            });
    }

    public static string Of(CallTreeDiff diff, FlameGraphOptions options)
    {
        // Width is the "after" total, so only the after share decides what is worth embedding.
        return Write(
            diff.Root,
            static n => n.Children,
            n => n.After.Total == 0 ? Embedding.AbsentAfter
                : Math.Abs(n.After.TotalShare) >= options.MinEmbeddedShare ? Embedding.Kept : Embedding.BelowMinimumShare,
            static n => n.Name,
            static (json, n) =>
            {
                json.WriteNumberValue(n.After.Total);
                json.WriteNumberValue(n.After.Self);
                json.WriteNumberValue(n.Before.Total);
                json.WriteNumberValue(n.Before.Self);
            },
            json =>
            {
                json.WriteBoolean("diff", true);
                WriteType(json, string.Empty, diff.AfterSampleType);
                WriteType(json, "before", diff.BeforeSampleType);
                WriteViewOptions(json, options);
            });
    }

    private static string Write<TNode>(
        TNode root,
        Func<TNode, IReadOnlyList<TNode>> childrenOf,
        Func<TNode, Embedding> embedding,
        Func<TNode, string> nameOf,
        Action<Utf8JsonWriter, TNode> writeValues,
        Action<Utf8JsonWriter> writeHeader)
    {
        var names = new List<string>();
        var nameIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var leftOut = 0;
        var absentAfter = 0;

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            writeHeader(json);
            json.WriteStartArray("nodes");
            var pending = new Stack<TNode>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                var node = pending.Pop();
                var name = nameOf(node);
                if (!nameIndex.TryGetValue(name, out var index))
                {
                    index = names.Count;
                    names.Add(name);
                    nameIndex.Add(name, index);
                }

                json.WriteNumberValue(index);
                writeValues(json, node);
                var children = childrenOf(node);
                var kept = new List<TNode>(children.Count);
                foreach (var child in children)
                {
                    switch (embedding(child))
                    {
                        case Embedding.Kept: kept.Add(child); break;
                        case Embedding.BelowMinimumShare: leftOut++; break;
                        default: absentAfter++; break;
                    }
                }

                json.WriteNumberValue(kept.Count);
                // Pushed in reverse so they pop, and are written, in name order.
                for (var i = kept.Count - 1; i >= 0; i--)
                {
                    pending.Push(kept[i]);
                }
            }

            json.WriteEndArray();
            json.WriteStartArray("names");
            foreach (var name in names)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteNumber("leftOut", leftOut);
            json.WriteNumber("absentAfter", absentAfter);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteType(Utf8JsonWriter json, string prefix, ProfileValueType type)
    {
        json.WriteString(prefix.Length == 0 ? "type" : prefix + "Type", type.Type);
        json.WriteString(prefix.Length == 0 ? "unit" : prefix + "Unit", type.Unit);
    }

    private static void WriteViewOptions(Utf8JsonWriter json, FlameGraphOptions options)
    {
        json.WriteNumber("minWidth", options.MinFrameWidth);
        json.WriteNumber("minShare", options.MinEmbeddedShare);
    }
}
