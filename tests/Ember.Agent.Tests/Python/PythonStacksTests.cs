using Ember.Agent.Python;
using Ember.Agent.Symbolization;

namespace Ember.Agent.Tests.Python;

/// <summary>Python frames go above the native interpreter frame that ran them.</summary>
public sealed class PythonStacksTests
{
    private static ResolvedFrame Native(string name) => new(0, name, name, null, 0, "native", null);

    private static ResolvedFrame Py(string name) => new(0, name, name, null, 0, "cpython", null);

    [Fact]
    public void Each_run_up_to_its_entry_frame_sits_above_its_own_interpreter_frame()
    {
        // leaf first: a C function called from Python, the inner loop, a C call back into Python, the outer loop.
        ResolvedFrame[] native = [Native("SHA256_Update"), Native(PythonStacks.EvalFunction), Native("PyObject_Call"), Native(PythonStacks.EvalFunction), Native("main")];
        ResolvedFrame[] python = [Py("digest"), Py("callback"), Py("run"), Py("<module>")];

        var merged = PythonStacks.Interleave(native, python, [false, true, false, true]);

        Assert.Equal(
            ["SHA256_Update", "digest", "callback", PythonStacks.EvalFunction, "PyObject_Call", "run", "<module>", PythonStacks.EvalFunction, "main"],
            merged.Select(f => f.FunctionName));
    }

    [Fact]
    public void Runs_past_the_last_interpreter_frame_go_to_the_root_and_extra_interpreter_frames_stay()
    {
        var merged = PythonStacks.Interleave([Native("leaf"), Native(PythonStacks.EvalFunction)], [Py("a"), Py("b"), Py("c")], [true, false, true]);
        Assert.Equal(["leaf", "a", PythonStacks.EvalFunction, "b", "c"], merged.Select(f => f.FunctionName));

        var unmatched = PythonStacks.Interleave([Native(PythonStacks.EvalFunction), Native(PythonStacks.EvalFunction)], [Py("a")], [true]);
        Assert.Equal(["a", PythonStacks.EvalFunction, PythonStacks.EvalFunction], unmatched.Select(f => f.FunctionName));
    }
}

/// <summary>Location tables from another process's memory may be anything: never a throw, 0 for no line.</summary>
public sealed class CPythonLineTableTests
{
    [Fact]
    public void Empty_truncated_and_random_tables_give_a_line_or_zero_and_never_throw()
    {
        Assert.Equal(0, CPythonLineTable.LineOf([], 10, 0));
        Assert.Equal(0, CPythonLineTable.LineOf([0x01, 0x02], 10, 0)); // no entry header
        Assert.Equal(0, CPythonLineTable.LineOf([0xf0 | 0x08 | 0x06], 10, 0)); // long form cut before its varints (code 14)
        var random = new Random(12345);
        for (var i = 0; i < 10000; i++)
        {
            var table = new byte[random.Next(0, 64)];
            random.NextBytes(table);
            Assert.True(CPythonLineTable.LineOf(table, random.Next(), random.Next(0, 200)) >= 0);
            Assert.True(CPythonLineTable.LineOfAddressRanges(table, random.Next(), random.Next(0, 200)) >= 0);
        }
    }

    [Fact]
    public void A_310_table_gives_each_range_its_line_and_none_to_a_range_without_one()
    {
        // Bytes 0-5 on line 10 (+0), 6-9 on 12 (+2), 10-11 with no line (-128), 12-15 on 11 (-1).
        byte[] table = [6, 0, 4, 2, 2, 0x80, 4, 0xff];

        Assert.Equal(10, CPythonLineTable.LineOfAddressRanges(table, 10, 2)); // code unit 2: byte 4
        Assert.Equal(12, CPythonLineTable.LineOfAddressRanges(table, 10, 3));
        Assert.Equal(0, CPythonLineTable.LineOfAddressRanges(table, 10, 5));
        Assert.Equal(11, CPythonLineTable.LineOfAddressRanges(table, 10, 7));
        Assert.Equal(0, CPythonLineTable.LineOfAddressRanges(table, 10, 8)); // past the table
        Assert.Equal(0, CPythonLineTable.LineOfAddressRanges([6], 10, 0)); // half a pair
    }
}
