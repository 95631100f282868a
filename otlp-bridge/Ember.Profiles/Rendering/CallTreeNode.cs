namespace Ember.Profiles.Rendering;

/// <summary>
/// One frame of a <see cref="CallTree"/>: a call path from the root, with the value spent in the
/// frame itself (<see cref="Self"/>) and in it plus its callees (<see cref="Total"/>).
/// </summary>
public sealed class CallTreeNode
{
    private CallTreeNode[] _children = [];

    internal CallTreeNode(string name)
    {
        Name = name;
    }

    /// <summary>Frame name: function name, else system name, else mapping+offset or address.</summary>
    public string Name { get; }

    /// <summary>Value of the samples whose leaf is this frame.</summary>
    public long Self { get; internal set; }

    /// <summary>Value of the samples passing through this frame (self plus callees).</summary>
    public long Total { get; internal set; }

    /// <summary>Callees, ordered by name (ordinal).</summary>
    public IReadOnlyList<CallTreeNode> Children => _children;

    /// <summary>The callee with this name, or null.</summary>
    public CallTreeNode? Child(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var index = SortedByName.IndexOf(_children, name, static n => n.Name);
        return index >= 0 ? _children[index] : null;
    }

    /// <summary>Sets the callees, already sorted by name.</summary>
    internal void SetChildren(CallTreeNode[] sorted) => _children = sorted;
}
