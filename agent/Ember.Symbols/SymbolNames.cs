namespace Ember.Symbols;

/// <summary>Helpers for choosing among alias names of one address.</summary>
internal static class SymbolNames
{
    /// <summary>Leading underscores: implementation aliases (<c>__libc_malloc</c>, <c>__pi_memcpy</c>) have more.</summary>
    public static int LeadingUnderscores(ReadOnlySpan<char> name)
    {
        var count = 0;
        while (count < name.Length && name[count] == '_')
        {
            count++;
        }

        return count;
    }

    /// <summary>Leading underscores of a UTF-8 name.</summary>
    public static int LeadingUnderscores(ReadOnlySpan<byte> name)
    {
        var count = 0;
        while (count < name.Length && name[count] == (byte)'_')
        {
            count++;
        }

        return count;
    }
}
