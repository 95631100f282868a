namespace Ember.Profiles.Rendering;

/// <summary>Binary search over children kept in ordinal name order.</summary>
internal static class SortedByName
{
    /// <summary>Index of the element named <paramref name="name"/>, or -1.</summary>
    public static int IndexOf<T>(IReadOnlyList<T> sorted, string name, Func<T, string> nameOf)
    {
        int low = 0, high = sorted.Count - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            var order = string.CompareOrdinal(nameOf(sorted[mid]), name);
            if (order == 0)
            {
                return mid;
            }

            if (order < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return -1;
    }
}
