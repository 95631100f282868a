using System.Runtime.CompilerServices;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Conversion;

/// <summary>Equates two stacks holding the same location objects in the same order.</summary>
internal sealed class LocationSequenceComparer : IEqualityComparer<List<P.Location>>
{
    public static LocationSequenceComparer Instance { get; } = new();

    public bool Equals(List<P.Location>? x, List<P.Location>? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Count != y.Count)
        {
            return false;
        }

        for (var index = 0; index < x.Count; index++)
        {
            if (!ReferenceEquals(x[index], y[index]))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(List<P.Location> obj)
    {
        var hash = new HashCode();
        foreach (var location in obj)
        {
            hash.Add(RuntimeHelpers.GetHashCode(location));
        }

        return hash.ToHashCode();
    }
}
