namespace Ember.Profiles.Rendering;

/// <summary>
/// Grows a <see cref="CallTree"/> one stack at a time. Frame names are interned to integers and
/// every node is numbered, so finding a child is one lookup in a single dictionary keyed by
/// (parent number, name number), and no per-node collections exist until <see cref="Finish"/>.
/// </summary>
internal sealed class CallTreeBuilder
{
    private readonly Dictionary<long, int> _childOf = [];
    private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly Dictionary<Pprof.Location, int[]> _frames = new(ReferenceEqualityComparer.Instance);

    // Per node, by node number: the node, its name number, and its children as a linked list.
    private readonly List<CallTreeNode> _nodes = [];
    private readonly List<int> _nameOf = [];
    private readonly List<int> _firstChild = [];
    private readonly List<int> _nextSibling = [];
    private readonly List<int> _childCount = [];

    public CallTreeBuilder()
    {
        AddNode(Intern(CallTree.RootName));
    }

    /// <summary>Adds one sample's value along its stack (leaf first, as pprof stores it).</summary>
    public void Add(List<Pprof.Location> stack, long value)
    {
        var node = 0;
        _nodes[node].Total += value;
        for (var i = stack.Count - 1; i >= 0; i--)
        {
            foreach (var name in FramesOf(stack[i]))
            {
                var key = ((long)node << 32) | (uint)name;
                if (!_childOf.TryGetValue(key, out var child))
                {
                    child = AddNode(name);
                    _nextSibling[child] = _firstChild[node];
                    _firstChild[node] = child;
                    _childCount[node]++;
                    _childOf.Add(key, child);
                }

                node = child;
                _nodes[node].Total += value;
            }
        }

        _nodes[node].Self += value;
    }

    /// <summary>Gives every node its children sorted by name and returns the root.</summary>
    public CallTreeNode Finish()
    {
        // Ranking the distinct names once lets each sort compare integers instead of strings.
        var byName = Enumerable.Range(0, _names.Count).ToArray();
        Array.Sort(byName, (a, b) => string.CompareOrdinal(_names[a], _names[b]));
        var rank = new int[_names.Count];
        for (var i = 0; i < byName.Length; i++)
        {
            rank[byName[i]] = i;
        }

        for (var node = 0; node < _nodes.Count; node++)
        {
            if (_childCount[node] == 0)
            {
                continue;
            }

            var children = new CallTreeNode[_childCount[node]];
            if (children.Length == 1)
            {
                // Most nodes of deep profiles have one callee: nothing to sort.
                children[0] = _nodes[_firstChild[node]];
            }
            else
            {
                var ranks = new int[children.Length];
                var i = 0;
                for (var child = _firstChild[node]; child >= 0; child = _nextSibling[child], i++)
                {
                    children[i] = _nodes[child];
                    ranks[i] = rank[_nameOf[child]];
                }

                Array.Sort(ranks, children);
            }

            _nodes[node].SetChildren(children);
        }

        return _nodes[0];
    }

    private int[] FramesOf(Pprof.Location location)
    {
        if (!_frames.TryGetValue(location, out var ids))
        {
            ids = Array.ConvertAll(FrameNames.OutermostFirst(location), Intern);
            _frames.Add(location, ids);
        }

        return ids;
    }

    private int Intern(string name)
    {
        if (!_nameIds.TryGetValue(name, out var id))
        {
            id = _names.Count;
            _names.Add(name);
            _nameIds.Add(name, id);
        }

        return id;
    }

    private int AddNode(int name)
    {
        _nodes.Add(new CallTreeNode(_names[name]));
        _nameOf.Add(name);
        _firstChild.Add(-1);
        _nextSibling.Add(-1);
        _childCount.Add(0);
        return _nodes.Count - 1;
    }
}
