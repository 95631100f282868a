namespace Ember.Symbols.Demangling;

/// <summary>
/// Tree of a demangled Itanium C++ name. Types print in two halves around a declarator
/// (<c>int (*</c> … <c>)()</c>) so that pointers to functions and arrays come out as C++ spells them;
/// the spacing follows GNU c++filt (<c>char const*</c>, <c>&gt; &gt;</c>, <c>{lambda(int)#1}</c>).
/// </summary>
internal abstract class ItaniumNode
{
    /// <summary>True when part of the node prints after the declarator (functions and arrays).</summary>
    public virtual bool HasRight(DemangleOutput output) => false;

    /// <summary>True for function types, which pointers wrap in parentheses.</summary>
    public virtual bool IsFunction(DemangleOutput output) => false;

    /// <summary>True for array types, which pointers wrap in parentheses.</summary>
    public virtual bool IsArray(DemangleOutput output) => false;

    /// <summary>True for operands c++filt prints without parentheses inside expressions.</summary>
    public virtual bool IsSimpleExpression => false;

    public abstract void PrintLeft(DemangleOutput output);

    public virtual void PrintRight(DemangleOutput output)
    {
    }

    public void Print(DemangleOutput output)
    {
        PrintLeft(output);
        if (HasRight(output))
        {
            PrintRight(output);
        }
    }

    /// <summary>Prints items separated by ", ", dropping the separator before items that print nothing (empty packs).</summary>
    public static void PrintList(DemangleOutput output, IReadOnlyList<ItaniumNode> items)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (i == 0)
            {
                items[i].Print(output);
                continue;
            }

            output.Append(", ");
            var before = output.Length;
            items[i].Print(output);
            if (output.Length == before)
            {
                output.DropSeparator(before - 2);
            }
        }
    }
}

/// <summary>An identifier, builtin type or other literal text.</summary>
internal sealed class NameNode(string text) : ItaniumNode
{
    public string Text { get; } = text;

    public override bool IsSimpleExpression => true;

    public override void PrintLeft(DemangleOutput output) => output.Append(Text);
}

/// <summary>One of the abbreviations Sa, Sb, Ss, Si, So, Sd, St, printed in full as c++filt does.</summary>
internal sealed class StandardSubstitution(string text, string lastName) : ItaniumNode
{
    public string LastName { get; } = lastName;

    public override bool IsSimpleExpression => true;

    public override void PrintLeft(DemangleOutput output) => output.Append(text);
}

/// <summary><c>scope::name</c>.</summary>
internal sealed class NestedName(ItaniumNode scope, ItaniumNode name) : ItaniumNode
{
    public ItaniumNode Scope { get; } = scope;

    public ItaniumNode Name { get; } = name;

    public override bool IsSimpleExpression => true;

    public override void PrintLeft(DemangleOutput output)
    {
        Scope.Print(output);
        output.Append("::");
        Name.Print(output);
    }
}

/// <summary><c>function()::entity</c> for names local to a function.</summary>
internal sealed class LocalName(ItaniumNode encoding, ItaniumNode entity) : ItaniumNode
{
    public ItaniumNode Entity { get; } = entity;

    public override void PrintLeft(DemangleOutput output)
    {
        encoding.Print(output);
        output.Append("::");
        Entity.Print(output);
    }
}

/// <summary>A template argument list.</summary>
internal sealed class TemplateArgs(IReadOnlyList<ItaniumNode> args) : ItaniumNode
{
    public IReadOnlyList<ItaniumNode> Args { get; } = args;

    public override void PrintLeft(DemangleOutput output)
    {
        // "operator< <int>" and "A<B<int> >": never let two angle brackets touch.
        if (output.Last == '<')
        {
            output.Append(' ');
        }

        output.Append('<');
        PrintList(output, Args);
        if (output.Last == '>')
        {
            output.Append(' ');
        }

        output.Append('>');
    }
}

/// <summary><c>name&lt;args&gt;</c>.</summary>
internal sealed class TemplateInstance(ItaniumNode name, TemplateArgs args) : ItaniumNode
{
    public ItaniumNode Name { get; } = name;

    public override void PrintLeft(DemangleOutput output)
    {
        Name.Print(output);
        args.Print(output);
    }
}

/// <summary>A constructor or destructor, named after its class.</summary>
internal sealed class CtorDtorName(string className, bool isDestructor) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        if (isDestructor)
        {
            output.Append('~');
        }

        output.Append(className);
    }
}

/// <summary><c>operator+</c>, <c>operator new</c>...</summary>
internal sealed class OperatorName(string symbol) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        output.Append("operator");
        if (char.IsAsciiLetterLower(symbol[0]))
        {
            output.Append(' ');
        }

        output.Append(symbol.TrimEnd(' '));
    }
}

/// <summary><c>operator int</c>.</summary>
internal sealed class ConversionOperator(ItaniumNode type) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        output.Append("operator ");
        type.Print(output);
    }
}

/// <summary><c>operator"" _suffix</c>.</summary>
internal sealed class LiteralOperator(ItaniumNode name) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        output.Append("operator\"\" ");
        name.Print(output);
    }
}

/// <summary><c>vtable for X</c>, <c>guard variable for X</c>, thunks...</summary>
internal sealed class SpecialName(string prefix, ItaniumNode child) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        output.Append(prefix);
        child.Print(output);
    }
}

/// <summary><c>construction vtable for Derived-in-Base</c>.</summary>
internal sealed class ConstructionVtable(ItaniumNode complete, ItaniumNode subobject) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        output.Append("construction vtable for ");
        subobject.Print(output);
        output.Append("-in-");
        complete.Print(output);
    }
}

/// <summary><c>name[abi:tag]</c>.</summary>
internal sealed class AbiTagged(ItaniumNode name, string tag) : ItaniumNode
{
    public ItaniumNode Name { get; } = name;

    public override void PrintLeft(DemangleOutput output)
    {
        Name.Print(output);
        output.Append("[abi:").Append(tag).Append(']');
    }
}

/// <summary><c>{lambda(int)#1}</c>.</summary>
internal sealed class LambdaName(IReadOnlyList<ItaniumNode> parameters, int number) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        output.Append("{lambda(");
        output.LambdaDepth++;
        try
        {
            PrintList(output, parameters);
        }
        finally
        {
            output.LambdaDepth--;
        }

        output.Append(")#").Append(number.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('}');
    }
}

/// <summary><c>[a, b]</c> for a structured binding.</summary>
internal sealed class StructuredBinding(IReadOnlyList<ItaniumNode> names) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        output.Append('[');
        PrintList(output, names);
        output.Append(']');
    }
}

/// <summary>A function: optional return type (template functions), name, parameters and qualifiers.</summary>
internal sealed class FunctionEncoding(ItaniumNode? returnType, ItaniumNode name, IReadOnlyList<ItaniumNode> parameters, string qualifiers,
    IReadOnlyList<ItaniumNode>? templateArgs) : ItaniumNode
{
    public ItaniumNode Name { get; } = name;

    /// <summary>The same function without its return type (c++filt omits it for the scope of a local name).</summary>
    public FunctionEncoding WithoutReturnType() => new(null, Name, parameters, qualifiers, templateArgs);

    public override bool HasRight(DemangleOutput output) => true;

    public override void PrintLeft(DemangleOutput output) => InContext(output, PrintLeftCore);

    public override void PrintRight(DemangleOutput output) => InContext(output, PrintRightCore);

    /// <summary>A template function's arguments are what T_ means while its signature prints.</summary>
    private void InContext(DemangleOutput output, Action<DemangleOutput> print)
    {
        if (templateArgs is null)
        {
            print(output);
            return;
        }

        var saved = output.Templates;
        output.Templates = new TemplateContext(templateArgs, saved);
        try
        {
            print(output);
        }
        finally
        {
            output.Templates = saved;
        }
    }

    private void PrintLeftCore(DemangleOutput output)
    {
        if (returnType is not null)
        {
            returnType.PrintLeft(output);
            if (!returnType.HasRight(output))
            {
                output.Append(' ');
            }
        }

        Name.Print(output);
    }

    private void PrintRightCore(DemangleOutput output)
    {
        output.Append('(');
        PrintList(output, parameters);
        output.Append(')');
        if (returnType is not null && returnType.HasRight(output))
        {
            returnType.PrintRight(output);
        }

        output.Append(qualifiers);
    }
}

/// <summary><c>name [clone .constprop.0]</c> for compiler-generated copies.</summary>
internal sealed class CloneSuffix(ItaniumNode encoding, string suffix) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        encoding.Print(output);
        output.Append(" [clone ").Append(suffix).Append(']');
    }
}

/// <summary>A type with cv-qualifiers or a vendor qualifier printed after it: <c>char const</c>.</summary>
internal sealed class QualifiedType(ItaniumNode inner, string qualifiers) : ItaniumNode
{
    /// <summary>Adds outer qualifiers, skipping those already present.</summary>
    public QualifiedType Merge(string outer)
    {
        var merged = qualifiers;
        foreach (var qualifier in new[] { " const", " volatile", " restrict" })
        {
            if (outer.Contains(qualifier, StringComparison.Ordinal) && !merged.Contains(qualifier, StringComparison.Ordinal))
            {
                merged += qualifier;
            }
        }

        return new QualifiedType(inner, merged);
    }

    public override bool HasRight(DemangleOutput output) => inner.HasRight(output);

    public override bool IsFunction(DemangleOutput output) => inner.IsFunction(output);

    public override bool IsArray(DemangleOutput output) => inner.IsArray(output);

    public override void PrintLeft(DemangleOutput output)
    {
        // A template argument that is already const prints "T const", not "T const const".
        if (inner is TemplateParamReference reference && output.LambdaDepth == 0
            && reference.WithTarget(output, t => t is QualifiedType))
        {
            reference.WithTarget(output, t =>
            {
                ((QualifiedType)t).Merge(qualifiers).PrintLeft(output);
                return true;
            });
            return;
        }

        inner.PrintLeft(output);
        output.Append(qualifiers);
    }

    public override void PrintRight(DemangleOutput output) => inner.PrintRight(output);
}

/// <summary>Pointer, lvalue reference or rvalue reference.</summary>
internal sealed class PointerLikeType(ItaniumNode pointee, string symbol) : ItaniumNode
{
    public ItaniumNode Pointee { get; } = pointee;

    public string Symbol { get; } = symbol;

    public override bool HasRight(DemangleOutput output)
    {
        var result = false;
        Collapse(output, Pointee, Symbol, (target, _) => result = target.HasRight(output));
        return result;
    }

    public override void PrintLeft(DemangleOutput output) => Collapse(output, Pointee, Symbol, (target, symbol) =>
    {
        target.PrintLeft(output);
        if (target.IsArray(output))
        {
            output.Append(' ');
        }

        if (target.IsArray(output) || target.IsFunction(output))
        {
            output.Append('(');
        }

        output.Append(symbol);
    });

    public override void PrintRight(DemangleOutput output) => Collapse(output, Pointee, Symbol, (target, _) =>
    {
        if (target.IsArray(output) || target.IsFunction(output))
        {
            output.Append(')');
        }

        target.PrintRight(output);
    });

    /// <summary>
    /// Collapses references to references that template arguments produce (&amp; wins over &amp;&amp;),
    /// looking through template parameters and pack elements, then runs <paramref name="use"/>.
    /// </summary>
    private static void Collapse(DemangleOutput output, ItaniumNode node, string symbol, Action<ItaniumNode, string> use)
    {
        if (symbol == "*")
        {
            use(node, symbol);
            return;
        }

        switch (node)
        {
            case TemplateParamReference parameter when output.LambdaDepth == 0:
                parameter.WithTarget(output, target =>
                {
                    Collapse(output, target, symbol, use);
                    return true;
                });
                return;
            case ParameterPack pack when pack.Current(output) is { } element:
                Collapse(output, element, symbol, use);
                return;
            case PointerLikeType { Symbol: not "*" } reference:
                Collapse(output, reference.Pointee, symbol == "&" || reference.Symbol == "&" ? "&" : "&&", use);
                return;
            default:
                use(node, symbol);
                return;
        }
    }
}

/// <summary>A function type: <c>int (char)</c>, printed around a declarator.</summary>
internal sealed class FunctionType(ItaniumNode returnType, IReadOnlyList<ItaniumNode> parameters, string qualifiers) : ItaniumNode
{
    public string Qualifiers { get; } = qualifiers;

    public ItaniumNode ReturnType { get; } = returnType;

    public IReadOnlyList<ItaniumNode> Parameters { get; } = parameters;

    public override bool HasRight(DemangleOutput output) => true;

    public override bool IsFunction(DemangleOutput output) => true;

    public FunctionType WithQualifiers(string extra) => new(ReturnType, Parameters, extra + Qualifiers);

    public override void PrintLeft(DemangleOutput output)
    {
        ReturnType.PrintLeft(output);
        if (!ReturnType.HasRight(output))
        {
            output.Append(' ');
        }
    }

    public override void PrintRight(DemangleOutput output)
    {
        output.Append('(');
        PrintList(output, Parameters);
        output.Append(')');
        ReturnType.PrintRight(output);
        output.Append(Qualifiers);
    }
}

/// <summary><c>int [10]</c>.</summary>
internal sealed class ArrayType(ItaniumNode element, ItaniumNode? dimension) : ItaniumNode
{
    public override bool HasRight(DemangleOutput output) => true;

    public override bool IsArray(DemangleOutput output) => true;

    public override void PrintLeft(DemangleOutput output) => element.PrintLeft(output);

    public override void PrintRight(DemangleOutput output)
    {
        if (output.Last != ']')
        {
            output.Append(' ');
        }

        output.Append('[');
        dimension?.Print(output);
        output.Append(']');
        element.PrintRight(output);
    }
}

/// <summary><c>int A::*</c> or <c>void (A::*)()</c>.</summary>
internal sealed class PointerToMemberType(ItaniumNode classType, ItaniumNode memberType) : ItaniumNode
{
    public override bool HasRight(DemangleOutput output) => memberType.HasRight(output);

    public override void PrintLeft(DemangleOutput output)
    {
        memberType.PrintLeft(output);
        if (memberType.IsArray(output) || memberType.IsFunction(output))
        {
            output.Append('(');
        }
        else
        {
            output.Append(' ');
        }

        classType.Print(output);
        output.Append("::*");
    }

    public override void PrintRight(DemangleOutput output)
    {
        if (memberType.IsArray(output) || memberType.IsFunction(output))
        {
            output.Append(')');
        }

        memberType.PrintRight(output);
    }
}

/// <summary><c>float __vector(4)</c>.</summary>
internal sealed class VectorType(ItaniumNode element, ItaniumNode? dimension) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        element.Print(output);
        output.Append(" __vector(");
        dimension?.Print(output);
        output.Append(')');
    }
}

/// <summary>A <c>J...E</c> argument pack as it appears in a template argument list.</summary>
internal sealed class TemplateArgPack(IReadOnlyList<ItaniumNode> elements) : ItaniumNode
{
    public IReadOnlyList<ItaniumNode> Elements { get; } = elements;

    public override void PrintLeft(DemangleOutput output) => PrintList(output, Elements);
}

/// <summary>
/// A pack referred to by a template parameter: inside a pack expansion it prints the element being
/// expanded, and tells the expansion how many elements there are.
/// </summary>
internal sealed class ParameterPack(IReadOnlyList<ItaniumNode> elements) : ItaniumNode
{
    public ItaniumNode? Current(DemangleOutput output)
    {
        if (output.PackMax == int.MaxValue)
        {
            output.PackMax = elements.Count;
            output.PackIndex = 0;
        }

        return output.PackIndex >= 0 && output.PackIndex < elements.Count ? elements[output.PackIndex] : null;
    }

    public override bool HasRight(DemangleOutput output) => Current(output)?.HasRight(output) ?? false;

    public override bool IsFunction(DemangleOutput output) => Current(output)?.IsFunction(output) ?? false;

    public override bool IsArray(DemangleOutput output) => Current(output)?.IsArray(output) ?? false;

    public override void PrintLeft(DemangleOutput output)
    {
        if (output.PackIndex < 0 && output.PackMax < 0)
        {
            PrintList(output, elements);
            return;
        }

        Current(output)?.PrintLeft(output);
    }

    public override void PrintRight(DemangleOutput output) => Current(output)?.PrintRight(output);
}

/// <summary><c>Dp</c>: prints its pattern once per element of the pack it contains.</summary>
internal sealed class PackExpansion(ItaniumNode pattern) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        var (savedIndex, savedMax) = (output.PackIndex, output.PackMax);
        var start = output.Length;
        output.PackIndex = int.MaxValue;
        output.PackMax = int.MaxValue;
        try
        {
            pattern.Print(output);
            if (output.PackMax == int.MaxValue)
            {
                output.Append("...");
                return;
            }

            if (output.PackMax == 0)
            {
                output.Rewind(start);
                return;
            }

            for (var i = 1; i < output.PackMax; i++)
            {
                output.Append(", ");
                output.PackIndex = i;
                pattern.Print(output);
            }
        }
        finally
        {
            (output.PackIndex, output.PackMax) = (savedIndex, savedMax);
        }
    }
}

/// <summary>
/// <c>T_</c>: resolved while printing against the innermost template function being printed, as
/// c++filt does, so a substitution of a parameter means the parameter of the context it is used in.
/// Inside a lambda's signature it prints as <c>auto:N</c> (a generic lambda's parameter).
/// </summary>
internal sealed class TemplateParamReference(int index, ItaniumNode? fallback) : ItaniumNode
{
    public int Index { get; } = index;

    /// <summary>The argument known when the reference was parsed, used where no template encloses it.</summary>
    public ItaniumNode? Fallback { get; } = fallback;

    public override bool HasRight(DemangleOutput output) => output.LambdaDepth == 0 && WithTarget(output, t => t.HasRight(output));

    public override bool IsFunction(DemangleOutput output) => output.LambdaDepth == 0 && WithTarget(output, t => t.IsFunction(output));

    public override bool IsArray(DemangleOutput output) => output.LambdaDepth == 0 && WithTarget(output, t => t.IsArray(output));

    public override void PrintLeft(DemangleOutput output)
    {
        if (output.LambdaDepth > 0)
        {
            output.Append("auto:").Append((Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        WithTarget(output, t =>
        {
            t.PrintLeft(output);
            return true;
        });
    }

    public override void PrintRight(DemangleOutput output)
    {
        if (output.LambdaDepth == 0)
        {
            WithTarget(output, t =>
            {
                t.PrintRight(output);
                return true;
            });
        }
    }

    /// <summary>The argument this parameter stands for in the current printing context.</summary>
    public ItaniumNode Target(DemangleOutput output)
    {
        var context = output.Templates;
        var target = context is null ? Fallback : Index < context.Args.Count ? context.Args[Index] : null;
        return target ?? throw new DemangleException("template parameter has no argument");
    }

    /// <summary>Runs <paramref name="use"/> on the target with the enclosing template popped, since the argument belongs to the outer context.</summary>
    public bool WithTarget(DemangleOutput output, Func<ItaniumNode, bool> use)
    {
        var target = Target(output);
        var saved = output.Templates;
        output.Templates = saved?.Outer;
        try
        {
            return use(target);
        }
        finally
        {
            output.Templates = saved;
        }
    }
}

/// <summary>A literal already rendered as text (<c>5u</c>, <c>true</c>, <c>(char)97</c>).</summary>
internal sealed class LiteralNode(ItaniumNode? type, string text) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        if (type is not null)
        {
            output.Append('(');
            type.Print(output);
            output.Append(')');
        }

        output.Append(text);
    }
}

/// <summary><c>{parm#1}</c> or <c>this</c> in an expression.</summary>
internal sealed class FunctionParameterReference(string text) : ItaniumNode
{
    public override bool IsSimpleExpression => true;

    public override void PrintLeft(DemangleOutput output) => output.Append(text);
}

/// <summary>An expression operand wrapped in parentheses unless it is a simple name, as c++filt prints them.</summary>
internal abstract class ExpressionNode : ItaniumNode
{
    protected static void PrintOperand(DemangleOutput output, ItaniumNode operand)
    {
        if (operand.IsSimpleExpression)
        {
            operand.Print(output);
            return;
        }

        output.Append('(');
        operand.Print(output);
        output.Append(')');
    }
}

/// <summary><c>-x</c>, <c>sizeof x</c>, <c>x++</c>...</summary>
internal sealed class UnaryExpression(string symbol, ItaniumNode operand, bool postfix = false, bool alwaysParenthesize = false) : ExpressionNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        if (!postfix)
        {
            output.Append(symbol);
        }

        if (alwaysParenthesize)
        {
            output.Append('(');
            operand.Print(output);
            output.Append(')');
        }
        else
        {
            PrintOperand(output, operand);
        }

        if (postfix)
        {
            output.Append(symbol);
        }
    }
}

/// <summary><c>a+b</c>, <c>a.b</c>, <c>a[b]</c>; comparisons with <c>&gt;</c> get an extra pair of parentheses.</summary>
internal sealed class BinaryExpression(ItaniumNode left, string symbol, ItaniumNode right) : ExpressionNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        var greater = symbol == ">";
        if (greater)
        {
            output.Append('(');
        }

        PrintOperand(output, left);
        if (symbol == "[]")
        {
            output.Append('[');
            right.Print(output);
            output.Append(']');
        }
        else
        {
            output.Append(symbol);
            PrintOperand(output, right);
        }

        if (greater)
        {
            output.Append(')');
        }
    }
}

/// <summary><c>a?b : c</c>.</summary>
internal sealed class ConditionalExpression(ItaniumNode condition, ItaniumNode whenTrue, ItaniumNode whenFalse) : ExpressionNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        PrintOperand(output, condition);
        output.Append('?');
        PrintOperand(output, whenTrue);
        output.Append(" : ");
        PrintOperand(output, whenFalse);
    }
}

/// <summary><c>f(a, b)</c>.</summary>
internal sealed class CallExpression(ItaniumNode callee, IReadOnlyList<ItaniumNode> arguments) : ExpressionNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        PrintOperand(output, callee);
        output.Append('(');
        PrintList(output, arguments);
        output.Append(')');
    }
}

/// <summary><c>(type)(x)</c>, <c>type(a, b)</c>, <c>static_cast&lt;type&gt;(x)</c>.</summary>
internal sealed class CastExpression(string? keyword, ItaniumNode type, IReadOnlyList<ItaniumNode> operands, bool list) : ExpressionNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        if (keyword is not null)
        {
            output.Append(keyword).Append('<');
            type.Print(output);
            output.Append(">(");
            PrintList(output, operands);
            output.Append(')');
            return;
        }

        if (list)
        {
            type.Print(output);
            output.Append('(');
            PrintList(output, operands);
            output.Append(')');
            return;
        }

        output.Append('(');
        type.Print(output);
        output.Append(')');
        PrintOperand(output, operands[0]);
    }
}

/// <summary><c>type{a, b}</c> or <c>{a, b}</c>.</summary>
internal sealed class BracedExpression(ItaniumNode? type, IReadOnlyList<ItaniumNode> elements) : ExpressionNode
{
    public override bool IsSimpleExpression => type is null;

    public override void PrintLeft(DemangleOutput output)
    {
        type?.Print(output);
        output.Append('{');
        PrintList(output, elements);
        output.Append('}');
    }
}

/// <summary><c>decltype (expr)</c>.</summary>
internal sealed class DecltypeType(ItaniumNode expression) : ItaniumNode
{
    public override void PrintLeft(DemangleOutput output)
    {
        output.Append("decltype (");
        expression.Print(output);
        output.Append(')');
    }
}
