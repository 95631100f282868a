using System.Text;

namespace Ember.Symbols.Demangling;

/// <summary>
/// Output buffer for demangled names. Knows the last character written (the printer's spacing rules
/// depend on it), enforces a size limit against substitution blow-ups, and carries the state of the
/// pack expansion being printed.
/// </summary>
internal sealed class DemangleOutput(int limit)
{
    private readonly StringBuilder _text = new();
    private char _last;

    /// <summary>Element of the argument pack currently being expanded, or -1 outside an expansion.</summary>
    public int PackIndex { get; set; } = -1;

    /// <summary>Size of the pack found while probing an expansion; -1 when none was found.</summary>
    public int PackMax { get; set; } = -1;

    /// <summary>Template arguments of the innermost template function being printed.</summary>
    public TemplateContext? Templates { get; set; }

    /// <summary>How many lambda signatures are being printed (their template parameters print as auto:N).</summary>
    public int LambdaDepth { get; set; }

    public int Length => _text.Length;

    /// <summary>The last character appended (see <see cref="DropSeparator"/> for when it differs from the text's end).</summary>
    public char Last => _last;

    public DemangleOutput Append(string text)
    {
        if (text.Length > 0)
        {
            _text.Append(text);
            _last = text[^1];
            CheckLimit();
        }

        return this;
    }

    public DemangleOutput Append(char c)
    {
        _text.Append(c);
        _last = c;
        CheckLimit();
        return this;
    }

    /// <summary>Removes everything written after <paramref name="length"/>, as if it had never been printed.</summary>
    public void Rewind(int length)
    {
        _text.Length = length;
        _last = length == 0 ? '\0' : _text[length - 1];
    }

    /// <summary>
    /// Removes a ", " written before an element that printed nothing (an empty pack). Like c++filt,
    /// the last-character memory still holds the separator's space, so a following '&gt;' gets no
    /// space before it: <c>A&lt;B&lt;int&gt;&gt;</c> when B's last argument is an empty pack.
    /// </summary>
    public void DropSeparator(int length) => _text.Length = length;

    public override string ToString() => _text.ToString();

    private void CheckLimit()
    {
        if (_text.Length > limit)
        {
            throw new DemangleException("demangled name exceeds the output limit");
        }
    }
}

/// <summary>One template function's arguments while its signature prints, and the context around it.</summary>
internal sealed record TemplateContext(IReadOnlyList<ItaniumNode> Args, TemplateContext? Outer);

/// <summary>Raised inside the demanglers for input they cannot (or will not) demangle; never escapes <see cref="Demangler"/>.</summary>
internal sealed class DemangleException : Exception
{
    public DemangleException()
    {
    }

    public DemangleException(string message)
        : base(message)
    {
    }

    public DemangleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
