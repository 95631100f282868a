using System.Globalization;
using Ember.Symbols.Demangling;
using Ember.Symbols.Tests.Peers;
using Xunit.Abstractions;

namespace Ember.Symbols.Tests.Demangling;

/// <summary>Itanium C++ demangling compared name for name with GNU c++filt on this machine's real libraries.</summary>
public sealed class ItaniumDemanglerTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_libstdcxx_export_demangles_exactly_like_cxxfilt()
    {
        var names = CxxFilt.MangledNamesOf(["/usr/lib/x86_64-linux-gnu/libstdc++.so.6"]);
        Assert.True(names.Count > 5000, $"only {names.Count} mangled names");
        var expected = CxxFilt.Gnu(names);

        var mismatches = Compare(names, expected, out var comparable);

        output.WriteLine($"libstdc++: {comparable - mismatches.Count}/{comparable} identical to c++filt");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(20)));
    }

    [Fact]
    public void Mangled_names_of_every_shared_library_on_this_machine_match_cxxfilt_at_least_999_in_1000()
    {
        var libraries = Directory.EnumerateFiles("/usr/lib/x86_64-linux-gnu", "*.so*").Where(f => !File.GetAttributes(f).HasFlag(FileAttributes.ReparsePoint));
        var names = CxxFilt.MangledNamesOf(libraries);
        Assert.True(names.Count > 20_000, $"only {names.Count} mangled names");
        var expected = CxxFilt.Gnu(names);

        var mismatches = Compare(names, expected, out var comparable);

        var rate = (double)(comparable - mismatches.Count) / comparable;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{comparable - mismatches.Count}/{comparable} ({rate:P3}) identical to c++filt; first differences:"));
        foreach (var mismatch in mismatches.Take(10))
        {
            output.WriteLine(mismatch);
        }

        Assert.True(rate >= 0.999, string.Create(CultureInfo.InvariantCulture, $"match rate {rate:P3}:\n{string.Join('\n', mismatches.Take(20))}"));
    }

    [Fact]
    public void Hand_picked_features_match_cxxfilt()
    {
        string[] names =
        [
            "_ZN1AIN1B1CEEC1Ev", "_ZNSsC1Ev", "_ZNSaIcEC1Ev", "_ZN1A1fEv.constprop.0", "_Z1fv.isra.0.cold", "_Z1fIiEvT_",
            "_Z1fILDnEEvv", "_Z1fILb1EEvv", "_Z1fILc97EEvv", "_Z1fILi5ELj5ELl5ELm5ELx5ELy5ELs5EEvv", "_Z1fILin5EEvv",
            "_Z1fPFivE", "_Z1fM1AKFivE", "_Z1fPA10_i", "_Z1fRA10_A20_i", "_ZN3FooltIiEEbv", "_ZNK3FoogtIiEEbv",
            "_ZZ3foovE1x", "_ZZ3foovE1x_0", "_ZZ3foovEs", "_ZZN1A1fEvE1x", "_ZN12_GLOBAL__N_13fooEv",
            "_ZNKSt6vectorIiSaIiEE4sizeEv", "_Z1fIJiiEEvDpT_", "_Z1fIJEEvDpT_", "_ZGVZ3foovE1x", "_ZTVN1A1BE",
            "_ZThn8_N1A1fEv", "_ZTv0_n24_N1A1fEv", "_ZTCN1A1BE0_N1C1DE", "_ZN1AUt_E", "_ZZ1fvENKUlvE_clEv",
            "_ZZ1fvENKUliE0_clEi", "_Z1fIiEDTcl1gfp_EET_", "_Z1fDv4_f", "_Z1fCd", "_ZN1A1fB5cxx11Ev", "_Z1fPKc",
            "_Z1fKPc", "_Z1fPKPFivE", "_ZNKR1A1fEv", "_ZNO1A1fEv", "_Z1fU3fooi", "_GLOBAL__I_foo", "_ZTH1x", "_ZTW1x",
            "_ZN1AcviEv", "_ZN1AcvT_IiEEv", "_Z1fPVKi", "_Z1fPrVKi", "_Z1fRKPFvvE", "_Z1fFPFivEvE", "_Z1fIJEiEvv",
            "_ZN1AaSERKS_", "_ZN1AcvPFvvEEv", "_Z1fIRiEvOT_", "_ZN1AUlvE_clERKS0_", "_ZN1AUt_3fooERKS0_", "_Z1fPDoFvvE",
            "_ZNSt15basic_streambufIcSt11char_traitsIcEE6xsputnEPKcl", "_ZNSdD0Ev", "_Z1fILi5EEDTplLi1ET_Ev",
            "_Z1fIiEDTgtfp_fp_ET_", "_Z1fIiEDTqufp_fp_fp_ET_", "_Z1fIiEDTscT_fp_ET_", "_Z1fIiEDTtlT_EEv",
        ];
        var expected = CxxFilt.Gnu(names);
        var mismatches = Compare(names, expected, out _);
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

    [Theory]
    [InlineData("main")]
    [InlineData("")]
    [InlineData("_Z")]
    [InlineData("_Zv")]
    [InlineData("_ZN")]
    [InlineData("_ZN3fooE3ba")]
    [InlineData("_Z1fS_")]
    [InlineData("_Z1fT_")]
    [InlineData("__cxa_throw")]
    [InlineData("JIT code [Optimized] System.String::Concat")]
    public void Names_that_cannot_be_demangled_come_back_unchanged(string name)
    {
        Assert.False(Demangler.TryDemangle(name, out var demangled));
        Assert.Equal(name, demangled);
        Assert.Equal(name, Demangler.Demangle(name));
    }

    [Fact]
    public void Truncated_and_mutated_real_names_never_throw()
    {
        var names = CxxFilt.MangledNamesOf(["/usr/lib/x86_64-linux-gnu/libstdc++.so.6"]);
        var random = new Random(7);
        const string Alphabet = "0123456789_ENIJSTKVPRFOLXZDCvcijlmsabdefghnotwxyz";
        foreach (var name in names.Where((_, i) => i % 3 == 0))
        {
            for (var length = 0; length < name.Length; length += 1 + (name.Length / 16))
            {
                Demangler.Demangle(name[..length]);
            }

            var chars = name.ToCharArray();
            for (var m = 0; m < 3; m++)
            {
                chars[random.Next(chars.Length)] = Alphabet[random.Next(Alphabet.Length)];
            }

            Demangler.Demangle(new string(chars));
        }

        // Deep nesting and substitution blow-ups are bounded instead of exhausting the stack or memory.
        Demangler.Demangle("_Z1f" + string.Concat(Enumerable.Repeat("P", 100_000)) + "v");
        Demangler.Demangle("_Z1fIiE" + string.Concat(Enumerable.Repeat("S_S0_", 5000)));
    }

    /// <summary>Differences between our output and the oracle's, over names the oracle could demangle.</summary>
    internal static List<string> Compare(IReadOnlyList<string> names, string[] expected, out int comparable)
    {
        var mismatches = new List<string>();
        comparable = 0;
        for (var i = 0; i < names.Count; i++)
        {
            var ours = Demangler.Demangle(names[i]);
            if (expected[i] == names[i])
            {
                // The oracle could not demangle it; ours may, but it must not throw.
                continue;
            }

            comparable++;
            if (ours != expected[i])
            {
                mismatches.Add($"{names[i]}\n  c++filt: {expected[i]}\n  ours:    {ours}");
            }
        }

        return mismatches;
    }
}
