namespace Ember.Symbols.Demangling;

/// <summary>
/// Turns linkage names into the names shown to users: Itanium C++ (<c>_Z...</c>) as GNU c++filt
/// prints them, and Rust (legacy <c>_ZN...17h&lt;hash&gt;E</c> without the hash, and v0 <c>_R...</c>).
/// Anything else, or anything that cannot be demangled, comes back unchanged; it never throws.
/// </summary>
public static class Demangler
{
    /// <summary>The demangled form of <paramref name="name"/>, or <paramref name="name"/> itself.</summary>
    public static string Demangle(string name) => TryDemangle(name, out var demangled) ? demangled : name;

    /// <summary>Demangles <paramref name="name"/>; false (and the input unchanged) when it is not a supported mangled name.</summary>
    public static bool TryDemangle(string name, out string demangled)
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            // Rust legacy names are valid Itanium names too; the hash suffix marks them as Rust.
            if (RustDemangler.TryDemangle(name, out demangled) || ItaniumDemangler.TryDemangle(name, out demangled))
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is DemangleException or OverflowException or ArgumentException)
        {
            // Malformed input (checked arithmetic, invalid code points): the name stays as it is.
        }

        demangled = name;
        return false;
    }
}
