using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Ember.Agent.Sampling;
using Ember.Bpf.Tests.Support;

namespace Ember.Bpf.Tests;

/// <summary>
/// Both sides of the kernel boundary agree on bpf/profiler.h: a C program built from the header
/// prints every size, offset and constant the C# mirror declares, and they must match.
/// </summary>
public sealed class ProfilerAbiTests
{
    private static readonly Type[] _structs = [typeof(SamplerControl), typeof(SampleKey), typeof(ProcessEvent), typeof(StackErrors), typeof(UnwindRow), typeof(UnwindMapping), typeof(ProcessUnwind), typeof(UnwindStats), typeof(PythonProcess), typeof(PythonStats), typeof(PythonCodeKey), typeof(SamplerStats)];

    [Fact]
    public void CSharp_structs_have_the_sizes_and_offsets_of_the_C_header()
    {
        var expected = new StringBuilder();
        var program = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include <linux/types.h>\n#include \"profiler.h\"\nint main(void)\n{\n");
        foreach (var type in _structs)
        {
            var cName = SnakeCase(type.Name);
            program.Append(CultureInfo.InvariantCulture, $"\tprintf(\"sizeof {cName} %zu\\n\", sizeof(struct {cName}));\n");
            expected.Append(CultureInfo.InvariantCulture, $"sizeof {cName} {ManagedSize(type)}\n");
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public))
            {
                var cField = SnakeCase(field.Name);
                program.Append(CultureInfo.InvariantCulture,
                    $"\tprintf(\"offsetof {cName}.{cField} %zu\\n\", offsetof(struct {cName}, {cField}));\n");
                expected.Append(CultureInfo.InvariantCulture, $"offsetof {cName}.{cField} {Marshal.OffsetOf(type, field.Name)}\n");
            }
        }

        foreach (var constant in typeof(ProfilerAbi).GetFields(BindingFlags.Static | BindingFlags.Public).Where(f => f.IsLiteral))
        {
            var cName = "EMBER_" + SnakeCase(constant.Name).ToUpperInvariant();
            program.Append(CultureInfo.InvariantCulture, $"\tprintf(\"{cName} %llu\\n\", (unsigned long long)({cName}));\n");
            expected.Append(CultureInfo.InvariantCulture, $"{cName} {Convert.ToUInt64(constant.GetRawConstantValue(), CultureInfo.InvariantCulture)}\n");
        }

        program.Append("\treturn 0;\n}\n");

        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("abi.c"), program.ToString());
        var printer = Clang.CompileProgram(
            directory.File("abi.c"), directory.File("abi"), "-I", Path.Combine(Tools.RepositoryRoot, "bpf"));
        var actual = Tools.Run(printer, []);

        Assert.Equal(expected.ToString(), actual);
    }

    [Fact]
    public void CSharp_mirror_covers_every_struct_of_the_C_header()
    {
        var header = File.ReadAllText(Path.Combine(Tools.RepositoryRoot, "bpf", "profiler.h"));
        var declared = header.Split('\n')
            .Where(line => line.StartsWith("struct ", StringComparison.Ordinal) && line.TrimEnd().EndsWith('{'))
            .Select(line => line.Split(' ')[1])
            .Order(StringComparer.Ordinal);

        Assert.Equal(declared, _structs.Select(type => SnakeCase(type.Name)).Order(StringComparer.Ordinal));
    }

    private static int ManagedSize(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    private static string SnakeCase(string pascal)
    {
        var builder = new StringBuilder();
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
