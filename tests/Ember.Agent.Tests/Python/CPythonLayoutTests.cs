using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ember.Agent.Python;
using Ember.Agent.Sampling;
using Ember.Symbols.Processes;
using Ember.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Tests.Python;

/// <summary>
/// The CPython layouts against the real interpreters on this machine (Debian 12's python3.11 and the
/// pyenv builds of 3.10, 3.12, 3.13): each walks its own stack with <see cref="CPythonLayout"/>'s
/// offsets as the kernel does and prints what it found next to what <c>sys._getframe()</c> says; and
/// the agent finds and reads a live one.
/// </summary>
public sealed class CPythonLayoutTests
{
    private static readonly JsonSerializerOptions _layoutJson = new() { Converters = { new JsonStringEnumConverter() } };

    private static string Fixture(string name) => Path.Combine(GoPeer.FixtureDirectory("python-hot"), name);

    [Theory]
    [InlineData("3.10")]
    [InlineData("3.11")]
    [InlineData("3.12")]
    [InlineData("3.13")]
    public void Each_interpreter_has_a_layout_and_its_own_stack_walked_with_it_is_the_stack_python_reports(string version)
    {
        var python = Interpreters.Of(version);
        var reported = ExternalProcess.RunChecked(python, ["-S", "-I", "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"]).Trim().Split(' ');
        Assert.Equal(version, $"{reported[0]}.{reported[1]}");
        var layout = CPythonLayout.ForVersion(int.Parse(reported[0], CultureInfo.InvariantCulture), int.Parse(reported[1], CultureInfo.InvariantCulture));
        Assert.NotNull(layout);

        using var result = JsonDocument.Parse(ExternalProcess.RunChecked(python, ["-S", "-I", Fixture("walk_self.py"), JsonSerializer.Serialize(layout, _layoutJson)]));
        var walked = result.RootElement.GetProperty("walked").EnumerateArray().ToList();
        var truth = result.RootElement.GetProperty("truth").EnumerateArray().ToList();

        // 3.10 has no qualified names.
        Assert.Equal(["walk", "inner", version == "3.10" ? "call" : "Middle.call", "outer", "<module>"], truth.Select(t => t.GetProperty("qualname").GetString()));
        Assert.Equal(truth.Select(t => t.GetProperty("qualname").GetString()), walked.Select(w => w.GetProperty("qualname").GetString()));
        Assert.Equal(truth.Select(t => t.GetProperty("code").GetUInt64()), walked.Select(w => w.GetProperty("code").GetUInt64()));
        Assert.Equal(truth.Select(t => t.GetProperty("file").GetString()), walked.Select(w => w.GetProperty("file").GetString()));
        Assert.All(walked, w => Assert.True(w.GetProperty("type").GetBoolean(), "ob_type is not PyCode_Type"));
        // From 3.11 Python-to-Python calls run in one interpreter loop: only the module's frame was entered
        // from C. In 3.10 every frame has its own.
        bool[] entries = layout.Entry == PythonEntryMark.EveryFrame ? [true, true, true, true, true] : [false, false, false, false, true];
        Assert.Equal(entries, walked.Select(w => w.GetProperty("entry").GetBoolean()));

        // Callers stand on their call: the line the location table gives their instruction is Python's f_lineno.
        for (var i = 1; i < walked.Count; i++)
        {
            var line = CPythonLineTable.LineOf(
                layout.LineTable, Convert.FromHexString(walked[i].GetProperty("linetable").GetString()!), walked[i].GetProperty("firstline").GetInt32(), walked[i].GetProperty("index").GetInt32());
            Assert.Equal(truth[i].GetProperty("line").GetInt32(), line);
        }
    }

    [Theory]
    [InlineData("3.10")]
    [InlineData("3.11")]
    [InlineData("3.12")]
    [InlineData("3.13")]
    public void A_live_interpreter_is_found_from_its_mappings_and_its_code_objects_are_read_from_its_memory(string version)
    {
        const string Script = """
            import ctypes, json, sys
            class Holder:
                def method(self):
                    f = sys._getframe()
                    runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
                    print(json.dumps({"runtime": runtime, "code": id(f.f_code), "index": f.f_lasti // 2, "line": f.f_lineno, "file": f.f_code.co_filename}), flush=True)
                    sys.stdin.readline()
            Holder().method()
            """;
        var script = Path.Combine(Directory.CreateTempSubdirectory("ember-python-").FullName, "holder.py");
        File.WriteAllText(script, Script);
        using var process = Process.Start(new ProcessStartInfo(Interpreters.Of(version)) { ArgumentList = { "-S", "-I", script }, RedirectStandardOutput = true, RedirectStandardInput = true })!;
        try
        {
            using var printed = JsonDocument.Parse(process.StandardOutput.ReadLine()!);
            var expected = printed.RootElement;
            using var python = new CPythonProcesses(NullLogger.Instance);

            var kernel = python.Describe(process.Id, ProcMapsParser.Read(process.Id, "/proc"));

            Assert.NotNull(kernel);
            var runtime = expected.GetProperty("runtime").GetUInt64();
            Assert.Equal(runtime, python.InterpreterOf(process.Id)!.Runtime);
            var layout = python.InterpreterOf(process.Id)!.Layout;
            Assert.Equal(version, $"3.{layout.Minor}");
            Assert.Equal(runtime + (ulong)layout.RuntimeInterpretersHead, kernel.Value.InterpretersHead);
            var word = expected.GetProperty("code").GetUInt64() | ((ulong)expected.GetProperty("index").GetInt32() << ProfilerAbi.PythonIndexShift);
            var frame = python.Resolve(process.Id, word);
            Assert.Equal(new CPythonFrame(version == "3.10" ? "method" : "Holder.method", expected.GetProperty("file").GetString()!, expected.GetProperty("line").GetInt32()), frame);
            // Memory that holds no code object (the runtime state itself) is not named.
            Assert.Null(python.Resolve(process.Id, runtime & ProfilerAbi.PythonCodeMask));
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
            Directory.Delete(Path.GetDirectoryName(script)!, recursive: true);
        }
    }

    [Fact]
    public void A_process_that_maps_no_interpreter_is_not_described()
    {
        using var python = new CPythonProcesses(NullLogger.Instance);

        Assert.Null(python.Describe(Environment.ProcessId, ProcMapsParser.Read(Environment.ProcessId, "/proc")));
        Assert.Null(python.Resolve(Environment.ProcessId, 0x1000));
    }
}
