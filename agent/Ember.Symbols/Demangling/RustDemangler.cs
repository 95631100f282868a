using System.Globalization;
using System.Text;

namespace Ember.Symbols.Demangling;

/// <summary>
/// Rust symbol names: the legacy scheme (an Itanium-style <c>_ZN...E</c> path whose last element is
/// <c>17h&lt;16 hex digits&gt;</c>, with <c>$LT$</c>-style escapes) printed without the hash, and the v0
/// scheme (<c>_R...</c>) printed as <c>rustc-demangle</c> does by default: paths, generic arguments,
/// impls, closures, references, pointers, arrays, slices, tuples, function pointers, <c>dyn</c>
/// types and integer/bool/char constants, without crate disambiguators.
/// </summary>
internal static class RustDemangler
{
    private const int MaxInputLength = 16 * 1024;
    private static readonly System.Buffers.SearchValues<char> _hexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static bool TryDemangle(string name, out string demangled)
    {
        demangled = string.Empty;
        if (name.Length > MaxInputLength)
        {
            return false;
        }

        try
        {
            if (name.StartsWith("_R", StringComparison.Ordinal))
            {
                demangled = new V0Printer(name).PrintSymbol();
                return true;
            }

            return name.StartsWith("_ZN", StringComparison.Ordinal) && TryDemangleLegacy(name, out demangled);
        }
        catch (DemangleException)
        {
            return false;
        }
    }

    private static bool TryDemangleLegacy(string name, out string demangled)
    {
        demangled = string.Empty;
        var parts = new List<string>();
        var pos = 3;
        while (pos < name.Length && name[pos] != 'E')
        {
            var start = pos;
            while (pos < name.Length && char.IsAsciiDigit(name[pos]))
            {
                pos++;
            }

            if (pos == start || !int.TryParse(name.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= 0 || length > name.Length - pos)
            {
                return false;
            }

            parts.Add(name.Substring(pos, length));
            pos += length;
        }

        // "E" must end the name, and the last element must be the hash: h + 16 hex digits.
        if (pos != name.Length - 1 || parts.Count < 2 || !IsLegacyHash(parts[^1]))
        {
            return false;
        }

        var output = new StringBuilder();
        for (var i = 0; i < parts.Count - 1; i++)
        {
            if (i > 0)
            {
                output.Append("::");
            }

            if (!AppendLegacyElement(output, parts[i]))
            {
                return false;
            }
        }

        demangled = output.ToString();
        return true;
    }

    private static bool IsLegacyHash(string part) =>
        part.Length == 17 && part[0] == 'h' && part.AsSpan(1).IndexOfAnyExcept(_hexDigits) < 0;

    private static bool AppendLegacyElement(StringBuilder output, string element)
    {
        var text = element.StartsWith("_$", StringComparison.Ordinal) ? element[1..] : element;
        for (var i = 0; i < text.Length;)
        {
            if (text[i] == '.' && i + 1 < text.Length && text[i + 1] == '.')
            {
                output.Append("::");
                i += 2;
                continue;
            }

            if (text[i] != '$')
            {
                output.Append(text[i++]);
                continue;
            }

            var end = text.IndexOf('$', i + 1);
            if (end < 0)
            {
                return false;
            }

            var escape = text[(i + 1)..end];
            switch (escape)
            {
                case "SP": output.Append('@'); break;
                case "BP": output.Append('*'); break;
                case "RF": output.Append('&'); break;
                case "LT": output.Append('<'); break;
                case "GT": output.Append('>'); break;
                case "LP": output.Append('('); break;
                case "RP": output.Append(')'); break;
                case "C": output.Append(','); break;
                default:
                    if (escape.Length < 2 || escape[0] != 'u'
                        || !int.TryParse(escape.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                        || code > 0x10ffff || (code >= 0xd800 && code < 0xe000))
                    {
                        return false;
                    }

                    output.Append(char.ConvertFromUtf32(code));
                    break;
            }

            i = end + 1;
        }

        return true;
    }

    /// <summary>Prints a v0 mangled name while parsing it (back-references re-read earlier input).</summary>
    private sealed class V0Printer(string input)
    {
        private const int MaxDepth = 128;
        private const int MaxOutputLength = 64 * 1024;

        private readonly StringBuilder _out = new();
        private int _pos = 2;
        private int _depth;
        private int _boundLifetimes;
        private bool _silent;

        private char Peek => _pos < input.Length ? input[_pos] : '\0';

        public string PrintSymbol()
        {
            if (char.IsAsciiDigit(Peek))
            {
                // Encoding version: only version 0 (absent) exists.
                throw new DemangleException("unknown v0 encoding version");
            }

            PrintPath(inValue: true);
            // An optional instantiating crate follows; it is not printed.
            if (Peek != '\0' && Peek != '.')
            {
                Silently(() => PrintPath(inValue: false));
            }

            if (Peek != '\0' && Peek != '.')
            {
                throw new DemangleException("trailing characters");
            }

            return _out.ToString();
        }

        private void Print(string text)
        {
            if (_silent)
            {
                return;
            }

            _out.Append(text);
            if (_out.Length > MaxOutputLength)
            {
                throw new DemangleException("output too long");
            }
        }

        private void Silently(Action action)
        {
            var saved = _silent;
            _silent = true;
            try
            {
                action();
            }
            finally
            {
                _silent = saved;
            }
        }

        private char Next() => _pos < input.Length ? input[_pos++] : throw new DemangleException("unexpected end");

        private bool Eat(char c)
        {
            if (Peek != c)
            {
                return false;
            }

            _pos++;
            return true;
        }

        private void Enter()
        {
            if (++_depth > MaxDepth)
            {
                throw new DemangleException("nesting too deep");
            }
        }

        private ulong Base62()
        {
            if (Eat('_'))
            {
                return 0;
            }

            ulong value = 0;
            while (!Eat('_'))
            {
                var c = Next();
                ulong digit = c switch
                {
                    >= '0' and <= '9' => (ulong)(c - '0'),
                    >= 'a' and <= 'z' => (ulong)(c - 'a' + 10),
                    >= 'A' and <= 'Z' => (ulong)(c - 'A' + 36),
                    _ => throw new DemangleException("bad base-62 digit"),
                };
                value = checked((value * 62) + digit);
            }

            return checked(value + 1);
        }

        private ulong Disambiguator() => Eat('s') ? checked(Base62() + 1) : 0;

        private ulong Decimal()
        {
            var start = _pos;
            if (Eat('0'))
            {
                // "0" stands alone: digits after it belong to what follows.
                return 0;
            }

            while (char.IsAsciiDigit(Peek))
            {
                _pos++;
            }

            if (_pos == start)
            {
                throw new DemangleException("bad decimal number");
            }

            return ulong.Parse(input.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture);
        }

        private string Identifier()
        {
            var punycode = Eat('u');
            var length = Decimal();
            Eat('_');
            if (length > (ulong)(input.Length - _pos))
            {
                throw new DemangleException("identifier runs past the end");
            }

            var text = input.Substring(_pos, (int)length);
            _pos += (int)length;
            return punycode ? Punycode.Decode(text) : text;
        }

        /// <summary>Runs <paramref name="action"/> at the position a back-reference points to, then returns.</summary>
        private void BackRef(Action action)
        {
            var start = _pos - 1;
            // Offsets count from just after the "_R" prefix.
            var target = Base62() + 2;
            if (target >= (ulong)start)
            {
                throw new DemangleException("back-reference does not point backwards");
            }

            var saved = _pos;
            _pos = (int)target;
            try
            {
                action();
            }
            finally
            {
                _pos = saved;
            }
        }

        private void PrintPath(bool inValue)
        {
            Enter();
            try
            {
                var tag = Next();
                switch (tag)
                {
                    case 'C':
                        Disambiguator();
                        Print(Identifier());
                        break;
                    case 'M':
                        Disambiguator();
                        Silently(() => PrintPath(false));
                        Print("<");
                        PrintType();
                        Print(">");
                        break;
                    case 'X':
                        Disambiguator();
                        Silently(() => PrintPath(false));
                        Print("<");
                        PrintType();
                        Print(" as ");
                        PrintPath(false);
                        Print(">");
                        break;
                    case 'Y':
                        Print("<");
                        PrintType();
                        Print(" as ");
                        PrintPath(false);
                        Print(">");
                        break;
                    case 'N':
                        var ns = Next();
                        PrintPath(inValue);
                        var disambiguator = Disambiguator();
                        var name = Identifier();
                        if (char.IsAsciiLetterUpper(ns))
                        {
                            var kind = ns switch { 'C' => "closure", 'S' => "shim", _ => ns.ToString() };
                            Print("::{" + kind + (name.Length > 0 ? ":" + name : string.Empty) + "#"
                                + disambiguator.ToString(CultureInfo.InvariantCulture) + "}");
                        }
                        else if (char.IsAsciiLetterLower(ns))
                        {
                            if (name.Length > 0)
                            {
                                Print("::" + name);
                            }
                        }
                        else
                        {
                            throw new DemangleException("bad namespace");
                        }

                        break;
                    case 'I':
                        PrintPath(inValue);
                        if (inValue)
                        {
                            Print("::");
                        }

                        Print("<");
                        for (var i = 0; !Eat('E'); i++)
                        {
                            if (i > 0)
                            {
                                Print(", ");
                            }

                            PrintGenericArg();
                        }

                        Print(">");
                        break;
                    case 'B':
                        BackRef(() => PrintPath(inValue));
                        break;
                    default:
                        throw new DemangleException("bad path");
                }
            }
            finally
            {
                _depth--;
            }
        }

        private void PrintGenericArg()
        {
            if (Eat('L'))
            {
                PrintLifetime(Base62());
            }
            else if (Eat('K'))
            {
                PrintConst();
            }
            else
            {
                PrintType();
            }
        }

        private void PrintLifetime(ulong index)
        {
            Print("'");
            if (index == 0)
            {
                Print("_");
                return;
            }

            if (index > (ulong)_boundLifetimes)
            {
                throw new DemangleException("unbound lifetime");
            }

            var depth = (ulong)_boundLifetimes - index;
            Print(depth < 26 ? ((char)('a' + (int)depth)).ToString() : "_" + depth.ToString(CultureInfo.InvariantCulture));
        }

        private static string? BasicType(char c) => c switch
        {
            'a' => "i8",
            'b' => "bool",
            'c' => "char",
            'd' => "f64",
            'e' => "str",
            'f' => "f32",
            'h' => "u8",
            'i' => "isize",
            'j' => "usize",
            'l' => "i32",
            'm' => "u32",
            'n' => "i128",
            'o' => "u128",
            's' => "i16",
            't' => "u16",
            'u' => "()",
            'v' => "...",
            'x' => "i64",
            'y' => "u64",
            'z' => "!",
            'p' => "_",
            _ => null,
        };

        private void PrintType()
        {
            Enter();
            try
            {
                if (BasicType(Peek) is { } basic)
                {
                    _pos++;
                    Print(basic);
                    return;
                }

                switch (Peek)
                {
                    case 'R' or 'Q':
                        var mutable = Next() == 'Q';
                        Print("&");
                        if (Eat('L'))
                        {
                            var lifetime = Base62();
                            if (lifetime != 0)
                            {
                                PrintLifetime(lifetime);
                                Print(" ");
                            }
                        }

                        if (mutable)
                        {
                            Print("mut ");
                        }

                        PrintType();
                        break;
                    case 'P':
                        _pos++;
                        Print("*const ");
                        PrintType();
                        break;
                    case 'O':
                        _pos++;
                        Print("*mut ");
                        PrintType();
                        break;
                    case 'A':
                        _pos++;
                        Print("[");
                        PrintType();
                        Print("; ");
                        PrintConst();
                        Print("]");
                        break;
                    case 'S':
                        _pos++;
                        Print("[");
                        PrintType();
                        Print("]");
                        break;
                    case 'T':
                        _pos++;
                        Print("(");
                        var count = 0;
                        for (; !Eat('E'); count++)
                        {
                            if (count > 0)
                            {
                                Print(", ");
                            }

                            PrintType();
                        }

                        Print(count == 1 ? ",)" : ")");
                        break;
                    case 'F':
                        _pos++;
                        InBinder(PrintFunctionSignature);
                        break;
                    case 'D':
                        _pos++;
                        Print("dyn ");
                        InBinder(() =>
                        {
                            for (var i = 0; !Eat('E'); i++)
                            {
                                if (i > 0)
                                {
                                    Print(" + ");
                                }

                                PrintDynTrait();
                            }
                        });
                        if (!Eat('L'))
                        {
                            throw new DemangleException("dyn type without lifetime");
                        }

                        var bound = Base62();
                        if (bound != 0)
                        {
                            Print(" + ");
                            PrintLifetime(bound);
                        }

                        break;
                    case 'B':
                        _pos++;
                        BackRef(PrintType);
                        break;
                    default:
                        PrintPath(inValue: false);
                        break;
                }
            }
            finally
            {
                _depth--;
            }
        }

        /// <summary>An optional <c>G</c> binder introduces named lifetimes for what follows: <c>for&lt;'a&gt; </c>.</summary>
        private void InBinder(Action body)
        {
            var bound = 0;
            if (Eat('G'))
            {
                bound = checked((int)Base62() + 1);
                Print("for<");
                for (var i = 0; i < bound; i++)
                {
                    if (i > 0)
                    {
                        Print(", ");
                    }

                    _boundLifetimes++;
                    PrintLifetime(1);
                }

                Print("> ");
            }

            try
            {
                body();
            }
            finally
            {
                _boundLifetimes -= bound;
            }
        }

        private void PrintFunctionSignature()
        {
            if (Eat('U'))
            {
                Print("unsafe ");
            }

            if (Eat('K'))
            {
                var abi = Eat('C') ? "C" : Identifier().Replace('_', '-');
                Print("extern \"" + abi + "\" ");
            }

            Print("fn(");
            for (var i = 0; !Eat('E'); i++)
            {
                if (i > 0)
                {
                    Print(", ");
                }

                PrintType();
            }

            Print(")");
            if (Eat('u'))
            {
                return;
            }

            Print(" -> ");
            PrintType();
        }

        private void PrintDynTrait()
        {
            // The trait path, with associated type bindings (p <name> <type>) as extra generic arguments.
            var start = _out.Length;
            PrintPath(inValue: false);
            var open = false;
            while (Eat('p'))
            {
                if (!open)
                {
                    if (!_silent && _out.Length > start && _out[^1] == '>')
                    {
                        _out.Length--;
                        Print(", ");
                    }
                    else
                    {
                        Print("<");
                    }

                    open = true;
                }
                else
                {
                    Print(", ");
                }

                Print(Identifier() + " = ");
                PrintType();
            }

            if (open)
            {
                Print(">");
            }
        }

        private void PrintConst()
        {
            Enter();
            try
            {
                if (Eat('p'))
                {
                    Print("_");
                    return;
                }

                if (Eat('B'))
                {
                    BackRef(PrintConst);
                    return;
                }

                var type = Next();
                var negative = Eat('n');
                var start = _pos;
                while (Peek != '_')
                {
                    if (!char.IsAsciiHexDigitLower(Next()))
                    {
                        throw new DemangleException("bad constant");
                    }
                }

                var hex = input[start.._pos];
                _pos++;
                if (hex.Length > 32)
                {
                    throw new DemangleException("constant too large");
                }

                var value = hex.Length == 0 ? UInt128.Zero : UInt128.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                switch (type)
                {
                    case 'a' or 's' or 'l' or 'x' or 'n' or 'i':
                        Print((negative ? "-" : string.Empty) + value.ToString(CultureInfo.InvariantCulture));
                        break;
                    case 'h' or 't' or 'm' or 'y' or 'o' or 'j':
                        Print(negative ? throw new DemangleException("negative unsigned constant") : value.ToString(CultureInfo.InvariantCulture));
                        break;
                    case 'b' when value <= 1 && !negative:
                        Print(value == 1 ? "true" : "false");
                        break;
                    case 'c' when value <= 0x10ffff && !negative && (value < 0xd800 || value >= 0xe000):
                        Print(CharLiteral((int)value));
                        break;
                    default:
                        throw new DemangleException("unsupported constant type");
                }
            }
            finally
            {
                _depth--;
            }
        }

        private static string CharLiteral(int code) => code switch
        {
            '\'' => "'\\''",
            '\\' => "'\\\\'",
            '\n' => "'\\n'",
            '\t' => "'\\t'",
            '\r' => "'\\r'",
            < 0x20 or 0x7f => string.Create(CultureInfo.InvariantCulture, $"'\\u{{{code:x}}}'"),
            _ => "'" + char.ConvertFromUtf32(code) + "'",
        };
    }

    /// <summary>RFC 3492 Punycode decoding of v0 identifiers (with '_' instead of '-' as the delimiter).</summary>
    private static class Punycode
    {
        public static string Decode(string text)
        {
            var delimiter = text.LastIndexOf('_');
            var output = new List<int>();
            foreach (var c in delimiter >= 0 ? text[..delimiter] : string.Empty)
            {
                output.Add(c);
            }

            var pos = delimiter >= 0 ? delimiter + 1 : 0;
            int n = 128, i = 0, bias = 72;
            while (pos < text.Length)
            {
                var oldI = i;
                var w = 1;
                for (var k = 36; ; k += 36)
                {
                    if (pos >= text.Length)
                    {
                        throw new DemangleException("truncated punycode");
                    }

                    var c = text[pos++];
                    var digit = c switch
                    {
                        >= 'a' and <= 'z' => c - 'a',
                        >= '0' and <= '9' => c - '0' + 26,
                        _ => throw new DemangleException("bad punycode digit"),
                    };
                    i = checked(i + (digit * w));
                    var t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
                    if (digit < t)
                    {
                        break;
                    }

                    w = checked(w * (36 - t));
                }

                bias = Adapt(i - oldI, output.Count + 1, oldI == 0);
                n = checked(n + (i / (output.Count + 1)));
                i %= output.Count + 1;
                if (n > 0x10ffff || (n >= 0xd800 && n < 0xe000) || output.Count > 1024)
                {
                    throw new DemangleException("bad punycode");
                }

                output.Insert(i, n);
                i++;
            }

            var result = new StringBuilder();
            foreach (var code in output)
            {
                result.Append(char.ConvertFromUtf32(code));
            }

            return result.ToString();
        }

        private static int Adapt(int delta, int points, bool first)
        {
            delta = first ? delta / 700 : delta / 2;
            delta += delta / points;
            var k = 0;
            while (delta > ((36 - 1) * 26) / 2)
            {
                delta /= 36 - 1;
                k += 36;
            }

            return k + (((36 - 1 + 1) * delta) / (delta + 38));
        }
    }
}
