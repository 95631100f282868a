using System.Globalization;

namespace Ember.Symbols.Demangling;

/// <summary>
/// Demangler for the Itanium C++ ABI (<c>_Z...</c>, used by GCC and Clang on Linux) whose output
/// matches GNU c++filt: nested and local names, templates and argument packs, substitutions and the
/// standard abbreviations, operators, constructors and destructors, function, array and member
/// pointer types, special names (vtables, thunks, guard variables), lambdas, ABI tags, clone
/// suffixes and the common expression forms of <c>decltype</c> and template arguments.
/// </summary>
/// <remarks>
/// Recursion depth, input length and output length are bounded; anything unsupported or malformed
/// makes <see cref="TryDemangle"/> return false.
/// </remarks>
internal sealed class ItaniumDemangler
{
    private const int MaxDepth = 192;
    private const int MaxInputLength = 32 * 1024;
    private const int MaxOutputLength = 256 * 1024;

    private readonly string _s;
    private readonly List<ItaniumNode> _substitutions = [];
    // The last template argument list of the encoding's name: T_ means its first element. Used only
    // when printing finds no enclosing template (T_ is otherwise resolved while printing, as c++filt does).
    private IReadOnlyList<ItaniumNode>? _templateParams;

    // The last source name seen outside template arguments: constructors and destructors print it,
    // as c++filt does (so a constructor of an unnamed type is named after the enclosing class).
    private string? _lastName;
    private int _pos;
    private int _depth;

    // c++filt first reads "sr <prefix> E <name>" (current ABI) and, when the whole name then fails,
    // starts over reading "sr <type> <name>" (the old ABI GCC still emits).
    private readonly bool _oldUnresolvedNames;
    private bool _usedNewUnresolvedNames;

    private ItaniumDemangler(string mangled, bool oldUnresolvedNames)
    {
        _s = mangled;
        _oldUnresolvedNames = oldUnresolvedNames;
    }

    private char Peek => _pos < _s.Length ? _s[_pos] : '\0';

    private char PeekAt(int offset) => _pos + offset < _s.Length ? _s[_pos + offset] : '\0';

    /// <summary>Demangles <paramref name="mangled"/>; false when it is not a (supported) Itanium mangled name.</summary>
    public static bool TryDemangle(string mangled, out string demangled)
    {
        demangled = string.Empty;
        if (mangled.Length > MaxInputLength)
        {
            return false;
        }

        var parser = new ItaniumDemangler(mangled, oldUnresolvedNames: false);
        if (parser.TryRender(out demangled))
        {
            return true;
        }

        return parser._usedNewUnresolvedNames && new ItaniumDemangler(mangled, oldUnresolvedNames: true).TryRender(out demangled);
    }

    private bool TryRender(out string demangled)
    {
        demangled = string.Empty;
        try
        {
            var node = ParseMangledName();
            if (node is null)
            {
                return false;
            }

            var output = new DemangleOutput(MaxOutputLength);
            node.Print(output);
            demangled = output.ToString();
            return true;
        }
        catch (DemangleException)
        {
            return false;
        }
    }

    private ItaniumNode? ParseMangledName()
    {
        if (_s.StartsWith("_Z", StringComparison.Ordinal))
        {
            _pos = 2;
            var encoding = ParseEncoding();
            encoding = ParseCloneSuffixes(encoding);
            return _pos == _s.Length ? encoding : throw Fail("trailing characters");
        }

        // _GLOBAL_[._$][ID]_<name>: static constructors and destructors of a translation unit.
        if (_s.Length > 11 && _s.StartsWith("_GLOBAL_", StringComparison.Ordinal) && _s[8] is '.' or '_' or '$' && _s[9] is 'I' or 'D' && _s[10] == '_')
        {
            var rest = _s[11..];
            var kind = _s[9] == 'I' ? "global constructors keyed to " : "global destructors keyed to ";
            return new NameNode(kind + (TryDemangle(rest, out var inner) ? inner : rest));
        }

        return null;
    }

    private ItaniumNode ParseCloneSuffixes(ItaniumNode encoding)
    {
        // .constprop.0, .isra.0, .part.1, .cold, .cold.12 ... each printed as " [clone .suffix]".
        while (Peek == '.' && (char.IsAsciiLetterLower(PeekAt(1)) || PeekAt(1) == '_' || char.IsAsciiDigit(PeekAt(1))))
        {
            var start = _pos;
            _pos++;
            while (char.IsAsciiLetterLower(Peek) || Peek == '_')
            {
                _pos++;
            }

            while (Peek == '.' && char.IsAsciiDigit(PeekAt(1)))
            {
                _pos++;
                while (char.IsAsciiDigit(Peek))
                {
                    _pos++;
                }
            }

            encoding = new CloneSuffix(encoding, _s[start.._pos]);
        }

        return encoding;
    }

    private DemangleException Fail(string why) => new(string.Create(CultureInfo.InvariantCulture, $"{why} at offset {_pos}"));

    private void Expect(char c)
    {
        if (Peek != c)
        {
            throw Fail($"expected '{c}'");
        }

        _pos++;
    }

    private bool Consume(char c)
    {
        if (Peek != c)
        {
            return false;
        }

        _pos++;
        return true;
    }

    private bool Consume(string text)
    {
        if (string.CompareOrdinal(_s, _pos, text, 0, text.Length) != 0)
        {
            return false;
        }

        _pos += text.Length;
        return true;
    }

    private DepthGuard Enter() => new(this);

    private readonly struct DepthGuard : IDisposable
    {
        private readonly ItaniumDemangler _owner;

        public DepthGuard(ItaniumDemangler owner)
        {
            _owner = owner;
            if (++owner._depth > MaxDepth)
            {
                throw owner.Fail("nesting too deep");
            }
        }

        public void Dispose() => _owner._depth--;
    }

    // ----- encodings ---------------------------------------------------------------------------

    /// <summary>What a parsed name tells the encoding: member-function qualifiers and whether a return type follows.</summary>
    private sealed record NameInfo(string Qualifiers, bool EndsWithTemplateArgs, bool IsCtorDtorOrConversion)
    {
        public static readonly NameInfo Plain = new(string.Empty, false, false);
    }

    private ItaniumNode ParseEncoding()
    {
        using var _ = Enter();
        if (Peek is 'T' or 'G')
        {
            return ParseSpecialName();
        }

        var (name, info) = ParseName(tagTemplates: true);
        if (_pos >= _s.Length || Peek is 'E' or '.')
        {
            return name;
        }

        // A template function's own arguments are what T_ means in its signature.
        var templateParams = info.EndsWithTemplateArgs ? _templateParams : null;

        ItaniumNode? returnType = null;
        if (info.EndsWithTemplateArgs && !info.IsCtorDtorOrConversion)
        {
            returnType = ParseType();
        }

        var parameters = ParseParameterTypes();
        return new FunctionEncoding(returnType, name, parameters, info.Qualifiers, templateParams);
    }

    /// <summary>Parameter types up to the end of the encoding; a lone <c>v</c> means none.</summary>
    private List<ItaniumNode> ParseParameterTypes()
    {
        if (Peek == 'v' && (_pos + 1 >= _s.Length || PeekAt(1) is 'E' or '.'))
        {
            _pos++;
            return [];
        }

        var parameters = new List<ItaniumNode>();
        while (_pos < _s.Length && Peek is not ('E' or '.'))
        {
            parameters.Add(ParseType());
        }

        return parameters.Count > 0 ? parameters : throw Fail("missing parameter types");
    }

    private ItaniumNode ParseSpecialName()
    {
        if (Consume("TV"))
        {
            return new SpecialName("vtable for ", ParseType());
        }

        if (Consume("TT"))
        {
            return new SpecialName("VTT for ", ParseType());
        }

        if (Consume("TI"))
        {
            return new SpecialName("typeinfo for ", ParseType());
        }

        if (Consume("TS"))
        {
            return new SpecialName("typeinfo name for ", ParseType());
        }

        if (Consume("TF"))
        {
            return new SpecialName("typeinfo fn for ", ParseType());
        }

        if (Consume("TH"))
        {
            return new SpecialName("TLS init function for ", ParseName(false).Node);
        }

        if (Consume("TW"))
        {
            return new SpecialName("TLS wrapper function for ", ParseName(false).Node);
        }

        if (Consume("TC"))
        {
            var complete = ParseType();
            ParseNumber();
            Expect('_');
            return new ConstructionVtable(complete, ParseType());
        }

        if (Consume("Th"))
        {
            ParseNumber();
            Expect('_');
            return new SpecialName("non-virtual thunk to ", ParseEncoding());
        }

        if (Consume("Tv"))
        {
            ParseVirtualOffset();
            return new SpecialName("virtual thunk to ", ParseEncoding());
        }

        if (Consume("Tc"))
        {
            ParseCallOffset();
            ParseCallOffset();
            return new SpecialName("covariant return thunk to ", ParseEncoding());
        }

        if (Consume("GV"))
        {
            return new SpecialName("guard variable for ", ParseName(false).Node);
        }

        if (Consume("GTt"))
        {
            return new SpecialName("transaction clone for ", ParseEncoding());
        }

        if (Consume("GTn"))
        {
            return new SpecialName("non-transaction clone for ", ParseEncoding());
        }

        if (Consume("GA"))
        {
            return new SpecialName("hidden alias for ", ParseEncoding());
        }

        throw Fail("unknown special name");
    }

    private void ParseCallOffset()
    {
        if (Consume('h'))
        {
            ParseNumber();
            Expect('_');
        }
        else if (Consume('v'))
        {
            ParseVirtualOffset();
        }
        else
        {
            throw Fail("bad call offset");
        }
    }

    private void ParseVirtualOffset()
    {
        ParseNumber();
        Expect('_');
        ParseNumber();
        Expect('_');
    }

    // ----- names -------------------------------------------------------------------------------

    private (ItaniumNode Node, NameInfo Info) ParseName(bool tagTemplates)
    {
        using var _ = Enter();
        switch (Peek)
        {
            case 'N':
                return ParseNestedName(tagTemplates);
            case 'Z':
                return ParseLocalName(tagTemplates);
        }

        ItaniumNode name;
        var info = NameInfo.Plain;
        if (Peek == 'S' && PeekAt(1) != 't')
        {
            name = ParseSubstitution();
            if (Peek != 'I')
            {
                return (name, info);
            }
        }
        else
        {
            if (Consume("St"))
            {
                var unqualified = ParseUnqualifiedName(null, out var unqualifiedInfo);
                name = new NestedName(new NameNode("std"), unqualified);
                info = unqualifiedInfo;
            }
            else
            {
                name = ParseUnqualifiedName(null, out info);
            }

            if (Peek != 'I')
            {
                return (name, info);
            }

            _substitutions.Add(name);
        }

        var args = ParseTemplateArgs(tagTemplates);
        return (new TemplateInstance(name, args), info with { EndsWithTemplateArgs = true });
    }

    private (ItaniumNode Node, NameInfo Info) ParseNestedName(bool tagTemplates)
    {
        Expect('N');
        var qualifiers = ParseCvQualifierText();
        if (Consume('R'))
        {
            qualifiers += " &";
        }
        else if (Consume('O'))
        {
            qualifiers += " &&";
        }

        ItaniumNode? prefix = null;
        var endsWithTemplateArgs = false;
        var special = false;
        while (!Consume('E'))
        {
            if (_pos >= _s.Length)
            {
                throw Fail("unterminated nested name");
            }

            ItaniumNode component;
            var fromSubstitution = false;
            endsWithTemplateArgs = false;
            // Template arguments after a constructor keep it a constructor (no return type follows).
            special &= Peek == 'I';
            switch (Peek)
            {
                case 'S':
                    component = Consume("St") ? new NameNode("std") : ParseSubstitution();
                    fromSubstitution = true;
                    break;
                case 'I':
                    if (prefix is null)
                    {
                        throw Fail("template arguments without a template");
                    }

                    component = ParseTemplateArgs(tagTemplates);
                    endsWithTemplateArgs = true;
                    break;
                case 'T':
                    component = ParseTemplateParam();
                    break;
                case 'D' when PeekAt(1) is 'T' or 't':
                    component = ParseType();
                    break;
                case 'M':
                    // Initializer scope of a lambda: it adds nothing to the printed name.
                    if (prefix is null)
                    {
                        throw Fail("lambda scope without a prefix");
                    }

                    _pos++;
                    continue;
                default:
                    component = ParseUnqualifiedName(prefix, out var info);
                    special = info.IsCtorDtorOrConversion;
                    break;
            }

            prefix = prefix is null ? component
                : component is TemplateArgs args ? new TemplateInstance(prefix, args)
                : new NestedName(prefix, component);
            if (!fromSubstitution && Peek != 'E')
            {
                _substitutions.Add(prefix);
            }
        }

        return prefix is null
            ? throw Fail("empty nested name")
            : (prefix, new NameInfo(qualifiers, endsWithTemplateArgs, special));
    }

    private (ItaniumNode Node, NameInfo Info) ParseLocalName(bool tagTemplates)
    {
        Expect('Z');
        var encoding = ParseEncoding();
        Expect('E');
        // The enclosing function's return type is not printed: it would read as the local entity's.
        if (encoding is FunctionEncoding function)
        {
            encoding = function.WithoutReturnType();
        }

        if (Consume('s'))
        {
            ParseDiscriminator();
            return (new LocalName(encoding, new NameNode("string literal")), NameInfo.Plain);
        }

        if (Consume('d'))
        {
            // Default argument scope: d [<number>] _ <name>.
            var index = Peek == '_' ? 0 : ParseNumber() + 1;
            Expect('_');
            var (inner, innerInfo) = ParseName(tagTemplates);
            var scope = new NestedName(new NameNode(string.Create(CultureInfo.InvariantCulture, $"{{default arg#{index + 1}}}")), inner);
            return (new LocalName(encoding, scope), innerInfo);
        }

        var (entity, info) = ParseName(tagTemplates);
        ParseDiscriminator();
        return (new LocalName(encoding, entity), info);
    }

    private void ParseDiscriminator()
    {
        if (Peek != '_')
        {
            return;
        }

        if (char.IsAsciiDigit(PeekAt(1)))
        {
            _pos += 2;
            return;
        }

        if (PeekAt(1) == '_')
        {
            _pos += 2;
            ParseNumber();
            Expect('_');
        }
    }

    private ItaniumNode ParseUnqualifiedName(ItaniumNode? scope, out NameInfo info)
    {
        info = NameInfo.Plain;
        ItaniumNode name;
        var c = Peek;
        if (char.IsAsciiDigit(c))
        {
            name = ParseSourceName();
        }
        else if (char.IsAsciiLetterLower(c))
        {
            name = ParseOperatorName(out var isConversion);
            info = info with { IsCtorDtorOrConversion = isConversion };
        }
        else if (c == 'C' || (c == 'D' && PeekAt(1) is '0' or '1' or '2' or '4' or '5'))
        {
            name = ParseCtorDtorName();
            info = info with { IsCtorDtorOrConversion = true };
        }
        else if (c == 'U' && PeekAt(1) == 't')
        {
            _pos += 2;
            var number = Peek == '_' ? 1 : ParseNumber() + 2;
            Expect('_');
            name = new NameNode(string.Create(CultureInfo.InvariantCulture, $"{{unnamed type#{number}}}"));
            _substitutions.Add(name);
        }
        else if (c == 'U' && PeekAt(1) == 'l')
        {
            name = ParseLambda();
        }
        else if (c == 'L')
        {
            // Internal linkage (static) entity in a non-local scope.
            _pos++;
            name = ParseSourceName();
            ParseDiscriminator();
        }
        else if (c == 'D' && PeekAt(1) == 'C')
        {
            _pos += 2;
            var names = new List<ItaniumNode>();
            while (!Consume('E'))
            {
                names.Add(ParseSourceName());
            }

            name = new StructuredBinding(names);
        }
        else
        {
            throw Fail("bad unqualified name");
        }

        var lastName = _lastName;
        while (Peek == 'B')
        {
            _pos++;
            name = new AbiTagged(name, ParseSourceName().Text);
            _lastName = lastName;
        }

        return name;
    }

    private NameNode ParseSourceName()
    {
        var length = ParseNumber();
        if (length <= 0 || length > _s.Length - _pos)
        {
            throw Fail("bad source name length");
        }

        var identifier = _s.Substring(_pos, length);
        _pos += length;
        // GCC names anonymous namespaces _GLOBAL__N_1 (or with '.' or '$').
        if (identifier.Length > 9 && identifier.StartsWith("_GLOBAL_", StringComparison.Ordinal) && identifier[8] is '.' or '_' or '$' && identifier[9] == 'N')
        {
            identifier = "(anonymous namespace)";
        }

        _lastName = identifier;
        return new NameNode(identifier);
    }

    private LambdaName ParseLambda()
    {
        _pos += 2;
        var parameters = ParseParameterTypesUntilEnd();
        Expect('E');
        var number = Peek == '_' ? 1 : ParseNumber() + 2;
        Expect('_');
        return new LambdaName(parameters, number);
    }

    private List<ItaniumNode> ParseParameterTypesUntilEnd()
    {
        if (Peek == 'v' && PeekAt(1) == 'E')
        {
            _pos++;
            return [];
        }

        var parameters = new List<ItaniumNode>();
        while (Peek != 'E')
        {
            if (_pos >= _s.Length)
            {
                throw Fail("unterminated parameter list");
            }

            parameters.Add(ParseType());
        }

        return parameters;
    }

    private CtorDtorName ParseCtorDtorName()
    {
        var className = _lastName ?? throw Fail("constructor without a class");
        if (Consume('C'))
        {
            if (Consume('I'))
            {
                throw Fail("inheriting constructors are not supported");
            }

            if (Peek is not ('1' or '2' or '3' or '4' or '5'))
            {
                throw Fail("bad constructor kind");
            }

            _pos++;
            return new CtorDtorName(className, false);
        }

        Expect('D');
        _pos++;
        return new CtorDtorName(className, true);
    }

    private ItaniumNode ParseOperatorName(out bool isConversion)
    {
        isConversion = false;
        if (Consume("cv"))
        {
            isConversion = true;
            if (Peek == 'T')
            {
                // In "cv T_ I...E" the template arguments belong to the operator, not to T_.
                var parameter = ParseTemplateParam();
                _substitutions.Add(parameter);
                return new ConversionOperator(parameter);
            }

            return new ConversionOperator(ParseType());
        }

        if (Consume("li"))
        {
            return new LiteralOperator(ParseSourceName());
        }

        if (Peek == 'v' && char.IsAsciiDigit(PeekAt(1)))
        {
            _pos += 2;
            return new OperatorName(ParseSourceName().Text);
        }

        if (_pos + 2 <= _s.Length && _operators.TryGetValue(_s.Substring(_pos, 2), out var op))
        {
            _pos += 2;
            return new OperatorName(op.Symbol);
        }

        throw Fail("unknown operator");
    }

    // ----- substitutions and template parameters -----------------------------------------------

    private ItaniumNode ParseSubstitution()
    {
        Expect('S');
        var c = Peek;
        var standard = c switch
        {
            'a' => new StandardSubstitution("std::allocator", "allocator"),
            'b' => new StandardSubstitution("std::basic_string", "basic_string"),
            's' => new StandardSubstitution("std::basic_string<char, std::char_traits<char>, std::allocator<char> >", "basic_string"),
            'i' => new StandardSubstitution("std::basic_istream<char, std::char_traits<char> >", "basic_istream"),
            'o' => new StandardSubstitution("std::basic_ostream<char, std::char_traits<char> >", "basic_ostream"),
            'd' => new StandardSubstitution("std::basic_iostream<char, std::char_traits<char> >", "basic_iostream"),
            't' => new StandardSubstitution("std", "std"),
            _ => null,
        };
        if (standard is not null)
        {
            _pos++;
            if (c != 't')
            {
                _lastName = standard.LastName;
            }

            return standard;
        }

        var index = 0;
        if (!Consume('_'))
        {
            index = ParseSeqId() + 1;
            Expect('_');
        }

        return index < _substitutions.Count ? _substitutions[index] : throw Fail("substitution out of range");
    }

    private int ParseSeqId()
    {
        var value = 0L;
        var digits = 0;
        while (char.IsAsciiDigit(Peek) || char.IsAsciiLetterUpper(Peek))
        {
            value = (value * 36) + (char.IsAsciiDigit(Peek) ? Peek - '0' : Peek - 'A' + 10);
            _pos++;
            if (++digits > 6)
            {
                throw Fail("sequence id too large");
            }
        }

        return digits == 0 ? throw Fail("missing sequence id") : (int)value;
    }

    private TemplateParamReference ParseTemplateParam()
    {
        Expect('T');
        if (Peek == 'L')
        {
            throw Fail("lambda auto parameters are not supported");
        }

        var index = Peek == '_' ? 0 : ParseNumber() + 1;
        Expect('_');
        return new TemplateParamReference(index, _templateParams is not null && index < _templateParams.Count ? _templateParams[index] : null);
    }

    private TemplateArgs ParseTemplateArgs(bool tagTemplates)
    {
        using var _ = Enter();
        Expect('I');
        var args = new List<ItaniumNode>();
        var lastName = _lastName;
        while (!Consume('E'))
        {
            if (_pos >= _s.Length)
            {
                throw Fail("unterminated template arguments");
            }

            args.Add(ParseTemplateArg());
        }

        _lastName = lastName;

        if (tagTemplates)
        {
            // These arguments are what T_ refers to in the rest of the encoding.
            _templateParams = args.Select(a => a is TemplateArgPack pack ? new ParameterPack(pack.Elements) : a).ToList();
        }

        return new TemplateArgs(args);
    }

    private ItaniumNode ParseTemplateArg()
    {
        using var _ = Enter();
        switch (Peek)
        {
            case 'X':
                _pos++;
                var expression = ParseExpression();
                Expect('E');
                return expression;
            case 'L':
                return ParseExprPrimary();
            case 'J':
                _pos++;
                var elements = new List<ItaniumNode>();
                while (!Consume('E'))
                {
                    if (_pos >= _s.Length)
                    {
                        throw Fail("unterminated argument pack");
                    }

                    elements.Add(ParseTemplateArg());
                }

                return new TemplateArgPack(elements);
            default:
                return ParseType();
        }
    }

    // ----- types -------------------------------------------------------------------------------

    private static readonly Dictionary<char, string> _builtins = new()
    {
        ['v'] = "void",
        ['w'] = "wchar_t",
        ['b'] = "bool",
        ['c'] = "char",
        ['a'] = "signed char",
        ['h'] = "unsigned char",
        ['s'] = "short",
        ['t'] = "unsigned short",
        ['i'] = "int",
        ['j'] = "unsigned int",
        ['l'] = "long",
        ['m'] = "unsigned long",
        ['x'] = "long long",
        ['y'] = "unsigned long long",
        ['n'] = "__int128",
        ['o'] = "unsigned __int128",
        ['f'] = "float",
        ['d'] = "double",
        ['e'] = "long double",
        ['g'] = "__float128",
        ['z'] = "...",
    };

    private static readonly Dictionary<char, string> _dBuiltins = new()
    {
        ['d'] = "decimal64",
        ['e'] = "decimal128",
        ['f'] = "decimal32",
        ['h'] = "half",
        ['i'] = "char32_t",
        ['s'] = "char16_t",
        ['u'] = "char8_t",
        ['a'] = "auto",
        ['c'] = "decltype(auto)",
        ['n'] = "decltype(nullptr)",
    };

    private ItaniumNode ParseType()
    {
        using var _ = Enter();
        var c = Peek;
        if (_builtins.TryGetValue(c, out var builtin))
        {
            _pos++;
            return new NameNode(builtin);
        }

        ItaniumNode result;
        switch (c)
        {
            case 'D':
                if (_dBuiltins.TryGetValue(PeekAt(1), out var dBuiltin))
                {
                    _pos += 2;
                    return new NameNode(dBuiltin);
                }

                result = ParseDType();
                break;
            case 'u':
                _pos++;
                result = ParseSourceName();
                if (Peek == 'I')
                {
                    result = new TemplateInstance(result, ParseTemplateArgs(false));
                }

                break;
            case 'F':
                result = ParseFunctionType(string.Empty);
                break;
            case 'A':
                result = ParseArrayType();
                break;
            case 'M':
                _pos++;
                var classType = ParseType();
                result = new PointerToMemberType(classType, ParseType());
                break;
            case 'T':
                result = ParseTemplateParam();
                if (Peek == 'I')
                {
                    _substitutions.Add(result);
                    result = new TemplateInstance(result, ParseTemplateArgs(false));
                }

                break;
            case 'P':
                _pos++;
                result = new PointerLikeType(ParseType(), "*");
                break;
            case 'R':
                _pos++;
                result = new PointerLikeType(ParseType(), "&");
                break;
            case 'O':
                _pos++;
                result = new PointerLikeType(ParseType(), "&&");
                break;
            case 'C':
                _pos++;
                result = new QualifiedType(ParseType(), " _Complex");
                break;
            case 'G':
                _pos++;
                result = new QualifiedType(ParseType(), " _Imaginary");
                break;
            case 'r' or 'V' or 'K':
                var qualifiers = ParseCvQualifierText();
                // Qualifiers of a member function type: only the qualified type is a substitution.
                var inner = Peek == 'F' || (Peek == 'D' && PeekAt(1) is 'o' or 'O' or 'w' or 'x') ? ParseFunctionType(string.Empty) : ParseType();
                result = inner switch
                {
                    FunctionType function => function.WithQualifiers(qualifiers),
                    // A template argument that is already const stays "T const", not "T const const".
                    QualifiedType qualified => qualified.Merge(qualifiers),
                    _ => new QualifiedType(inner, qualifiers),
                };
                break;
            case 'U':
                _pos++;
                var vendor = ParseSourceName().Text;
                if (Peek == 'I')
                {
                    ParseTemplateArgs(false);
                }

                result = new QualifiedType(ParseType(), " " + vendor);
                break;
            case 'S':
                if (char.IsAsciiDigit(PeekAt(1)) || PeekAt(1) == '_' || char.IsAsciiLetterUpper(PeekAt(1)))
                {
                    result = ParseSubstitution();
                    if (Peek != 'I')
                    {
                        return result;
                    }

                    result = new TemplateInstance(result, ParseTemplateArgs(false));
                }
                else
                {
                    result = ParseName(false).Node;
                    if (result is StandardSubstitution)
                    {
                        return result;
                    }
                }

                break;
            case 'N' or 'Z' or (>= '0' and <= '9'):
                result = ParseName(false).Node;
                break;
            default:
                throw Fail("unknown type");
        }

        _substitutions.Add(result);
        return result;
    }

    private ItaniumNode ParseDType()
    {
        var kind = PeekAt(1);
        switch (kind)
        {
            case 'p':
                _pos += 2;
                return new PackExpansion(ParseType());
            case 't' or 'T':
                _pos += 2;
                var expression = ParseExpression();
                Expect('E');
                return new DecltypeType(expression);
            case 'v':
                _pos += 2;
                ItaniumNode dimension;
                if (Consume('_'))
                {
                    dimension = ParseExpression();
                }
                else
                {
                    dimension = new NameNode(ParseNumber().ToString(CultureInfo.InvariantCulture));
                }

                Expect('_');
                return new VectorType(ParseType(), dimension);
            case 'F':
                _pos += 2;
                var bits = ParseNumber();
                var suffix = Consume('x') ? "x" : string.Empty;
                Expect('_');
                return new NameNode(string.Create(CultureInfo.InvariantCulture, $"_Float{bits}{suffix}"));
            case 'o' or 'O' or 'w' or 'x':
                return ParseFunctionType(string.Empty);
            default:
                throw Fail("unknown D type");
        }
    }

    private FunctionType ParseFunctionType(string qualifiers)
    {
        var exception = string.Empty;
        while (Peek == 'D')
        {
            if (Consume("Do"))
            {
                exception += " noexcept";
            }
            else if (Consume("Dx"))
            {
                exception += " transaction_safe";
            }
            else if (Consume("DO"))
            {
                var output = new DemangleOutput(MaxOutputLength);
                ParseExpression().Print(output);
                Expect('E');
                exception += " noexcept(" + output + ")";
            }
            else if (Consume("Dw"))
            {
                var types = new List<ItaniumNode>();
                while (!Consume('E'))
                {
                    types.Add(ParseType());
                }

                var output = new DemangleOutput(MaxOutputLength);
                ItaniumNode.PrintList(output, types);
                exception += " throw(" + output + ")";
            }
            else
            {
                throw Fail("unknown function qualifier");
            }
        }

        Expect('F');
        Consume('Y');
        var returnType = ParseType();
        var parameters = new List<ItaniumNode>();
        var reference = string.Empty;
        if (Peek == 'v' && PeekAt(1) == 'E')
        {
            _pos++;
        }

        while (Peek != 'E')
        {
            if (_pos >= _s.Length)
            {
                throw Fail("unterminated function type");
            }

            if (Peek is 'R' or 'O' && PeekAt(1) == 'E')
            {
                reference = Peek == 'R' ? " &" : " &&";
                _pos++;
                break;
            }

            parameters.Add(ParseType());
        }

        Expect('E');
        return new FunctionType(returnType, parameters, qualifiers + reference + exception);
    }

    private ArrayType ParseArrayType()
    {
        Expect('A');
        ItaniumNode? dimension = null;
        if (char.IsAsciiDigit(Peek))
        {
            dimension = new NameNode(ParseNumber().ToString(CultureInfo.InvariantCulture));
        }
        else if (Peek != '_')
        {
            dimension = ParseExpression();
        }

        Expect('_');
        return new ArrayType(ParseType(), dimension);
    }

    /// <summary>r, V, K in mangled order, printed innermost first: " const volatile restrict".</summary>
    private string ParseCvQualifierText()
    {
        var restrict = Consume('r');
        var isVolatile = Consume('V');
        var isConst = Consume('K');
        return (isConst ? " const" : string.Empty) + (isVolatile ? " volatile" : string.Empty) + (restrict ? " restrict" : string.Empty);
    }

    private int ParseNumber()
    {
        var negative = Consume('n');
        var start = _pos;
        long value = 0;
        while (char.IsAsciiDigit(Peek))
        {
            value = (value * 10) + (Peek - '0');
            _pos++;
            if (value > int.MaxValue)
            {
                throw Fail("number too large");
            }
        }

        if (_pos == start)
        {
            throw Fail("expected a number");
        }

        return negative ? -(int)value : (int)value;
    }

    // ----- expressions -------------------------------------------------------------------------

    private sealed record OperatorInfo(string Symbol, int Arity);

    private static readonly Dictionary<string, OperatorInfo> _operators = new()
    {
        ["nw"] = new("new", 3),
        ["na"] = new("new[]", 3),
        ["dl"] = new("delete ", 1),
        ["da"] = new("delete[] ", 1),
        ["ps"] = new("+", 1),
        ["ng"] = new("-", 1),
        ["ad"] = new("&", 1),
        ["de"] = new("*", 1),
        ["co"] = new("~", 1),
        ["pl"] = new("+", 2),
        ["mi"] = new("-", 2),
        ["ml"] = new("*", 2),
        ["dv"] = new("/", 2),
        ["rm"] = new("%", 2),
        ["an"] = new("&", 2),
        ["or"] = new("|", 2),
        ["eo"] = new("^", 2),
        ["aS"] = new("=", 2),
        ["pL"] = new("+=", 2),
        ["mI"] = new("-=", 2),
        ["mL"] = new("*=", 2),
        ["dV"] = new("/=", 2),
        ["rM"] = new("%=", 2),
        ["aN"] = new("&=", 2),
        ["oR"] = new("|=", 2),
        ["eO"] = new("^=", 2),
        ["ls"] = new("<<", 2),
        ["rs"] = new(">>", 2),
        ["lS"] = new("<<=", 2),
        ["rS"] = new(">>=", 2),
        ["eq"] = new("==", 2),
        ["ne"] = new("!=", 2),
        ["lt"] = new("<", 2),
        ["gt"] = new(">", 2),
        ["le"] = new("<=", 2),
        ["ge"] = new(">=", 2),
        ["ss"] = new("<=>", 2),
        ["nt"] = new("!", 1),
        ["aa"] = new("&&", 2),
        ["oo"] = new("||", 2),
        ["pp"] = new("++", 1),
        ["mm"] = new("--", 1),
        ["cm"] = new(",", 2),
        ["pm"] = new("->*", 2),
        ["pt"] = new("->", 2),
        ["cl"] = new("()", 2),
        ["ix"] = new("[]", 2),
        ["qu"] = new("?", 3),
        ["aw"] = new("co_await ", 1),
        ["st"] = new("sizeof ", 1),
        ["sz"] = new("sizeof ", 1),
        ["at"] = new("alignof ", 1),
        ["az"] = new("alignof ", 1),
        ["dt"] = new(".", 2),
        ["ds"] = new(".*", 2),
    };

    private ItaniumNode ParseExpression()
    {
        using var _ = Enter();
        var c = Peek;
        if (c == 'L')
        {
            return ParseExprPrimary();
        }

        if (c == 'T')
        {
            return ParseTemplateParam();
        }

        if (c == 'f' && PeekAt(1) is 'p' or 'L')
        {
            return ParseFunctionParam();
        }

        if (char.IsAsciiDigit(c) || (c == 'o' && PeekAt(1) == 'n') || (c == 'd' && PeekAt(1) == 'n'))
        {
            return ParseUnresolvedName();
        }

        // A leading :: (gs) does not change how c++filt prints the expression.
        Consume("gs");
        var code = _pos + 2 <= _s.Length ? _s.Substring(_pos, 2) : string.Empty;
        switch (code)
        {
            case "sr":
                return ParseUnresolvedName();
            case "cl":
                {
                    _pos += 2;
                    var callee = ParseExpression();
                    var arguments = new List<ItaniumNode>();
                    while (!Consume('E'))
                    {
                        arguments.Add(ParseExpression());
                    }

                    return new CallExpression(callee, arguments);
                }

            case "cv":
                {
                    _pos += 2;
                    var type = ParseType();
                    if (!Consume('_'))
                    {
                        return new CastExpression(null, type, [ParseExpression()], false);
                    }

                    var operands = new List<ItaniumNode>();
                    while (!Consume('E'))
                    {
                        operands.Add(ParseExpression());
                    }

                    return new CastExpression(null, type, operands, true);
                }

            case "sc" or "dc" or "cc" or "rc":
                {
                    _pos += 2;
                    var keyword = code switch { "sc" => "static_cast", "dc" => "dynamic_cast", "cc" => "const_cast", _ => "reinterpret_cast" };
                    var type = ParseType();
                    return new CastExpression(keyword, type, [ParseExpression()], false);
                }

            case "tl":
                {
                    _pos += 2;
                    var type = ParseType();
                    return new BracedExpression(type, ParseExpressionsUntilEnd());
                }

            case "il":
                _pos += 2;
                return new BracedExpression(null, ParseExpressionsUntilEnd());
            case "st" or "at":
                _pos += 2;
                return new UnaryExpression(_operators[code].Symbol.TrimEnd(' ') + " ", ParseType(), alwaysParenthesize: true);
            case "ti":
                _pos += 2;
                return new UnaryExpression("typeid ", ParseType(), alwaysParenthesize: true);
            case "te":
                _pos += 2;
                return new UnaryExpression("typeid ", ParseExpression());
            case "tw":
                _pos += 2;
                return new UnaryExpression("throw ", ParseExpression());
            case "tr":
                _pos += 2;
                return new NameNode("throw");
            case "sZ":
                {
                    _pos += 2;
                    ItaniumNode operand = Peek == 'T' ? ParseTemplateParam() : ParseFunctionParam();
                    if (operand is TemplateParamReference { Fallback: ParameterPack pack })
                    {
                        // c++filt evaluates sizeof... of a known pack.
                        var count = new DemangleOutput(MaxOutputLength) { PackIndex = int.MaxValue, PackMax = int.MaxValue };
                        pack.Current(count);
                        return new NameNode(count.PackMax.ToString(CultureInfo.InvariantCulture));
                    }

                    return new UnaryExpression("sizeof...", operand, alwaysParenthesize: true);
                }

            case "sp":
                _pos += 2;
                return new PackExpansion(ParseExpression());
            case "fp" or "fL":
                return ParseFunctionParam();
            case "nw" or "na":
                {
                    _pos += 2;
                    var placement = ParseExpressionsUntil('_');
                    var type = ParseType();
                    if (placement.Count > 0 || Peek != 'E')
                    {
                        throw Fail("new-expressions with arguments are not supported");
                    }

                    _pos++;
                    return new UnaryExpression(code == "nw" ? "new " : "new[] ", type, alwaysParenthesize: false);
                }
        }

        if (_operators.TryGetValue(code, out var op))
        {
            _pos += 2;
            if (op.Arity == 1)
            {
                var postfix = code is "pp" or "mm" && !Consume('_');
                var operand = ParseExpression();
                // The address of a member function prints without its parameter list.
                if (code == "ad" && operand is FunctionEncoding { Name: NestedName member })
                {
                    operand = member;
                }

                return new UnaryExpression(op.Symbol, operand, postfix);
            }

            if (op.Arity == 2)
            {
                var left = ParseExpression();
                var right = code is "dt" or "pt" ? ParseUnresolvedName() : ParseExpression();
                return new BinaryExpression(left, op.Symbol, right);
            }

            if (code == "qu")
            {
                var condition = ParseExpression();
                var whenTrue = ParseExpression();
                return new ConditionalExpression(condition, whenTrue, ParseExpression());
            }
        }

        throw Fail("unsupported expression");
    }

    private List<ItaniumNode> ParseExpressionsUntilEnd() => ParseExpressionsUntil('E');

    private List<ItaniumNode> ParseExpressionsUntil(char end)
    {
        var items = new List<ItaniumNode>();
        while (!Consume(end))
        {
            if (_pos >= _s.Length)
            {
                throw Fail("unterminated expression list");
            }

            items.Add(ParseExpression());
        }

        return items;
    }

    private FunctionParameterReference ParseFunctionParam()
    {
        if (Consume("fpT"))
        {
            return new FunctionParameterReference("this");
        }

        if (Consume("fp"))
        {
            ParseCvQualifierText();
        }
        else if (Consume("fL"))
        {
            ParseNumber();
            Expect('p');
            ParseCvQualifierText();
        }
        else
        {
            throw Fail("bad function parameter");
        }

        var index = Peek == '_' ? 1 : ParseNumber() + 2;
        Expect('_');
        return new FunctionParameterReference(string.Create(CultureInfo.InvariantCulture, $"{{parm#{index}}}"));
    }

    private ItaniumNode ParseUnresolvedName()
    {
        using var _ = Enter();
        if (Consume("sr"))
        {
            ItaniumNode scope;
            var c = Peek;
            if (!_oldUnresolvedNames && (char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c is 'C' or 'U' or 'L'))
            {
                _usedNewUnresolvedNames = true;
                scope = ParseUnresolvedPrefix();
            }
            else
            {
                scope = ParseType();
            }

            var member = ParseUnqualifiedName(null, out var _ignored);
            return new NestedName(scope, Peek == 'I' ? new TemplateInstance(member, ParseTemplateArgs(false)) : member);
        }

        return ParseBaseUnresolvedName();
    }

    /// <summary>The qualifier levels of "sr ... E": names, template arguments, substitutions; none become substitutions.</summary>
    private ItaniumNode ParseUnresolvedPrefix()
    {
        ItaniumNode? prefix = null;
        while (!Consume('E'))
        {
            ItaniumNode component = Peek switch
            {
                _ when _pos >= _s.Length => throw Fail("unterminated qualifier"),
                'S' => ParseSubstitution(),
                'I' when prefix is not null => ParseTemplateArgs(false),
                'T' => ParseTemplateParam(),
                'D' when PeekAt(1) is 'T' or 't' => ParseDType(),
                _ => ParseUnqualifiedName(prefix, out var _ignored),
            };
            prefix = prefix is null ? component
                : component is TemplateArgs args ? new TemplateInstance(prefix, args)
                : new NestedName(prefix, component);
        }

        return prefix ?? throw Fail("empty qualifier");
    }

    private ItaniumNode ParseSimpleId()
    {
        var name = ParseSourceName();
        return Peek == 'I' ? new TemplateInstance(name, ParseTemplateArgs(false)) : name;
    }

    private ItaniumNode ParseBaseUnresolvedName()
    {
        if (Consume("on"))
        {
            var op = ParseOperatorName(out _);
            return Peek == 'I' ? new TemplateInstance(op, ParseTemplateArgs(false)) : op;
        }

        if (Consume("dn"))
        {
            var type = char.IsAsciiDigit(Peek) ? ParseSimpleId() : ParseType();
            return new CtorDtorName(RenderText(type), true);
        }

        return ParseSimpleId();
    }

    private static string RenderText(ItaniumNode node)
    {
        var output = new DemangleOutput(MaxOutputLength);
        node.Print(output);
        return output.ToString();
    }

    private ItaniumNode ParseExprPrimary()
    {
        Expect('L');
        if (Consume("_Z"))
        {
            var saved = _templateParams;
            var encoding = ParseEncoding();
            _templateParams = saved;
            Expect('E');
            return encoding;
        }

        var type = ParseType();
        if (Consume('E'))
        {
            return type;
        }

        var negative = Consume('n');
        var start = _pos;
        while (Peek != 'E')
        {
            if (_pos >= _s.Length)
            {
                throw Fail("unterminated literal");
            }

            _pos++;
        }

        var value = (negative ? "-" : string.Empty) + _s[start.._pos];
        _pos++;
        var typeName = (type as NameNode)?.Text;
        if (typeName is "float" or "double" or "long double" or "__float128")
        {
            return new LiteralNode(type, "[" + value + "]");
        }

        return typeName switch
        {
            "int" => new LiteralNode(null, value),
            "unsigned int" => new LiteralNode(null, value + "u"),
            "long" => new LiteralNode(null, value + "l"),
            "unsigned long" => new LiteralNode(null, value + "ul"),
            "long long" => new LiteralNode(null, value + "ll"),
            "unsigned long long" => new LiteralNode(null, value + "ull"),
            "bool" when value is "0" => new LiteralNode(null, "false"),
            "bool" when value is "1" => new LiteralNode(null, "true"),
            _ => new LiteralNode(type, value),
        };
    }
}
