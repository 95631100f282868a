using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ember.Symbols.Demangling;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Demangling;

/// <summary>
/// Rust demangling. This machine has no Rust binaries, so names are generated (a fixed seed) and
/// both real demanglers judge them: GNU c++filt for the legacy scheme (which it prints with the
/// hash; we drop it) and llvm-cxxfilt for v0 (whose default output is the one we produce).
/// </summary>
public sealed partial class RustDemanglerTests
{
    [Fact]
    public void Generated_legacy_names_match_cxxfilt_without_the_hash()
    {
        var random = new Random(42);
        var names = Enumerable.Range(0, 2000).Select(_ => LegacyName(random)).ToList();
        var expected = CxxFilt.Gnu(names);

        for (var i = 0; i < names.Count; i++)
        {
            Assert.Matches(HashSuffix(), expected[i]);
            Assert.Equal(HashSuffix().Replace(expected[i], string.Empty), Demangler.Demangle(names[i]));
        }
    }

    [Fact]
    public void Generated_v0_names_match_llvm_cxxfilt()
    {
        var random = new Random(1234);
        var names = Enumerable.Range(0, 3000).Select(_ => "_R" + new V0Generator(random).Path(0, inValue: true)).ToList();
        var expected = CxxFilt.Llvm(names);

        var mismatches = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            Assert.NotEqual(names[i], expected[i]);
            var ours = Demangler.Demangle(names[i]);
            if (ours != expected[i])
            {
                mismatches.Add($"{names[i]}\n  llvm-cxxfilt: {expected[i]}\n  ours:         {ours}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} differ:\n{string.Join('\n', mismatches.Take(15))}");
    }

    [Theory]
    [InlineData("_RNvMsr_NtCs3ssYzQotkvD_3std4pathNtB5_7PathBuf3newCs15kBYyAo9fc_7mycrate", "<std::path::PathBuf>::new")]
    [InlineData("_RNCNvCs1234_7mycrate4mains_0B3_", "mycrate::main::{closure#1}")]
    [InlineData("_RINvCs1234_7mycrate3fooFG_KCRL0_hEuE", "mycrate::foo::<for<'a> extern \"C\" fn(&'a u8)>")]
    [InlineData("_RINvCs1234_7mycrate3fooDNtCs1234_4core3AnyEL_E", "mycrate::foo::<dyn core::Any>")]
    public void Back_references_closures_binders_and_dyn_match_llvm_cxxfilt(string name, string documented)
    {
        Assert.Equal(CxxFilt.Llvm([name])[0], Demangler.Demangle(name));
        Assert.Equal(documented, Demangler.Demangle(name));
    }

    [Theory]
    [InlineData("_ZN3foo3bar17h05af221e174051e9")]
    [InlineData("_R")]
    [InlineData("_RNvC")]
    [InlineData("_RNvCs1234_7mycrate3fooB9999_")]
    [InlineData("_RINvCs1234_7mycrate3fooKjzz_E")]
    public void Malformed_rust_names_come_back_unchanged(string name) => Assert.Equal(name, Demangler.Demangle(name));

    [GeneratedRegex("::h[0-9a-f]{16}$")]
    private static partial Regex HashSuffix();

    private static string LegacyName(Random random)
    {
        string[] pieces = ["core", "fmt", "Write", "alloc", "vec", "Vec", "$LT$", "$GT$", "$RF$", "$u20$", "..", "$C$", "$LP$", "$RP$", "$BP$", "$SP$", "mut", "T", "u8", "as", "$u5b$", "$u5d$", "_", "x1", "$u7b$$u7b$closure$u7d$$u7d$"];
        var name = new StringBuilder("_ZN");
        var elements = random.Next(1, 6);
        for (var e = 0; e < elements; e++)
        {
            var element = new StringBuilder(e == 0 && random.Next(4) == 0 ? "_$LT$" : "abc"[random.Next(3)].ToString());
            for (var p = random.Next(0, 5); p > 0; p--)
            {
                element.Append(pieces[random.Next(pieces.Length)]);
            }

            name.Append(element.Length.ToString(CultureInfo.InvariantCulture)).Append(element);
        }

        var hash = string.Concat(Enumerable.Range(0, 16).Select(_ => "0123456789abcdef"[random.Next(16)]));
        return name.Append("17h").Append(hash).Append('E').ToString();
    }

    /// <summary>Random well-formed v0 names without back-references (their offsets are position-dependent).</summary>
    private sealed class V0Generator(Random random)
    {
        private const string Basic = "abcdefhijlmnostuxyz";

        public string Path(int depth, bool inValue)
        {
            var choice = depth > 3 ? 0 : random.Next(7);
            return choice switch
            {
                1 or 2 => "N" + (random.Next(2) == 0 ? "v" : "t") + Path(depth + 1, inValue) + Identifier(),
                3 => "NC" + Path(depth + 1, inValue) + Disambiguator() + "0",
                4 => "I" + Path(depth + 1, inValue) + string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => GenericArg(depth + 1))) + "E",
                5 => "M" + Disambiguator() + Crate() + Type(depth + 1),
                6 => "X" + Disambiguator() + Crate() + Type(depth + 1) + "Nt" + Crate() + Identifier(),
                _ => Crate(),
            };
        }

        private string Crate() => "C" + Disambiguator() + Identifier();

        private string Disambiguator() => random.Next(2) == 0 ? string.Empty : "s" + Base62(random.Next(0, 5000));

        private string Identifier()
        {
            var length = random.Next(1, 9);
            var text = new string(Enumerable.Range(0, length).Select(i => i == 0 ? (char)('a' + random.Next(26)) : "abcxyz019_"[random.Next(10)]).ToArray());
            return length.ToString(CultureInfo.InvariantCulture) + text;
        }

        private string GenericArg(int depth) => random.Next(5) == 0 ? "K" + Const() : Type(depth);

        private string Const() => random.Next(3) switch
        {
            0 => "j" + random.Next(0, 100000).ToString("x", CultureInfo.InvariantCulture) + "_",
            1 => "l" + (random.Next(2) == 0 ? "n" : string.Empty) + random.Next(1, 1000).ToString("x", CultureInfo.InvariantCulture) + "_",
            _ => "b" + random.Next(2).ToString(CultureInfo.InvariantCulture) + "_",
        };

        private string Type(int depth)
        {
            var choice = depth > 4 ? 0 : random.Next(10);
            return choice switch
            {
                1 => "R" + Type(depth + 1),
                2 => "Q" + Type(depth + 1),
                3 => (random.Next(2) == 0 ? "P" : "O") + Type(depth + 1),
                4 => "A" + Type(depth + 1) + "j" + random.Next(1, 64).ToString("x", CultureInfo.InvariantCulture) + "_",
                5 => "S" + Type(depth + 1),
                6 => "T" + string.Concat(Enumerable.Range(0, random.Next(0, 4)).Select(_ => Type(depth + 1))) + "E",
                7 => "F" + string.Concat(Enumerable.Range(0, random.Next(0, 3)).Select(_ => Type(depth + 1))) + "E" + (random.Next(2) == 0 ? "u" : Type(depth + 1)),
                8 => "Nt" + Crate() + Identifier(),
                _ => Basic[random.Next(Basic.Length)].ToString(),
            };
        }

        private static string Base62(int value)
        {
            if (value == 0)
            {
                return "_";
            }

            const string Digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
            var text = new StringBuilder();
            for (var v = value - 1; ; v /= 62)
            {
                text.Insert(0, Digits[v % 62]);
                if (v < 62)
                {
                    break;
                }
            }

            return text.Append('_').ToString();
        }
    }
}
