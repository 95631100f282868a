using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ember.Agent.Python;
using Ember.Agent.Sampling;
using Ember.Symbols.Processes;
using Ember.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Tests.Python;

/// <summary>
/// The CPython offsets against the real interpreter on this machine (Debian 12's python3, 3.11): it
/// walks its own stack with <see cref="CPythonLayout"/>'s offsets as the kernel does and prints what
/// it found next to what <c>sys._getframe()</c> says; and the agent finds and reads a live one.
/// </summary>
public sealed class CPythonLayoutTests
{
    /// <summary>Debian's interpreter, not a pyenv build earlier on the PATH (bash .ci/run installs python3.11).</summary>
    private static string Python => File.Exists("/usr/bin/python3.11") ? "/usr/bin/python3.11" : throw new FileNotFoundException("/usr/bin/python3.11 is missing: install the Debian package python3.11");

    private static string Fixture(string name) => Path.Combine(GoPeer.FixtureDirectory("python-hot"), name);

    [Fact]
    public void The_machines_python3_has_a_layout_and_its_own_stack_walked_with_it_is_the_stack_python_reports()
    {
        var version = ExternalProcess.RunChecked(Python, ["-c", "import sys; print(sys.version_info[0], sys.version_info[1])"]).Split(' ');
        var layout = CPythonLayout.ForVersion(int.Parse(version[0], CultureInfo.InvariantCulture), int.Parse(version[1], CultureInfo.InvariantCulture));
        Assert.NotNull(layout);

        var offsets = typeof(CPythonLayout).GetProperties().Where(p => p.PropertyType == typeof(int) && p.Name != nameof(CPythonLayout.Minor))
            .ToDictionary(p => p.Name, p => (int)p.GetValue(layout)!);
        using var result = JsonDocument.Parse(ExternalProcess.RunChecked(Python, [Fixture("walk_self.py"), JsonSerializer.Serialize(offsets)]));
        var walked = result.RootElement.GetProperty("walked").EnumerateArray().ToList();
        var truth = result.RootElement.GetProperty("truth").EnumerateArray().ToList();

        Assert.Equal(["walk", "inner", "Middle.call", "outer", "<module>"], truth.Select(t => t.GetProperty("qualname").GetString()));
        Assert.Equal(truth.Select(t => t.GetProperty("qualname").GetString()), walked.Select(w => w.GetProperty("qualname").GetString()));
        Assert.Equal(truth.Select(t => t.GetProperty("code").GetUInt64()), walked.Select(w => w.GetProperty("code").GetUInt64()));
        Assert.Equal(truth.Select(t => t.GetProperty("file").GetString()), walked.Select(w => w.GetProperty("file").GetString()));
        Assert.All(walked, w => Assert.True(w.GetProperty("type").GetBoolean(), "ob_type is not PyCode_Type"));
        // Python-to-Python calls run in one interpreter loop: only the module's frame was entered from C.
        Assert.Equal([false, false, false, false, true], walked.Select(w => w.GetProperty("entry").GetBoolean()));

        // Callers stand on their call: the line the location table gives their instruction is Python's f_lineno.
        for (var i = 1; i < walked.Count; i++)
        {
            var line = CPythonLineTable.LineOf(
                Convert.FromHexString(walked[i].GetProperty("linetable").GetString()!), walked[i].GetProperty("firstline").GetInt32(), walked[i].GetProperty("index").GetInt32());
            Assert.Equal(truth[i].GetProperty("line").GetInt32(), line);
        }
    }

    [Fact]
    public void A_live_interpreter_is_found_from_its_mappings_and_its_code_objects_are_read_from_its_memory()
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
        using var process = Process.Start(new ProcessStartInfo(Python) { ArgumentList = { script }, RedirectStandardOutput = true, RedirectStandardInput = true })!;
        try
        {
            using var printed = JsonDocument.Parse(process.StandardOutput.ReadLine()!);
            var expected = printed.RootElement;
            using var python = new CPythonProcesses(NullLogger.Instance);

            var kernel = python.Describe(process.Id, ProcMapsParser.Read(process.Id, "/proc"));

            Assert.NotNull(kernel);
            var runtime = expected.GetProperty("runtime").GetUInt64();
            Assert.Equal(runtime, python.InterpreterOf(process.Id)!.Runtime);
            Assert.Equal(runtime + (ulong)CPythonLayout.Python311.RuntimeInterpretersHead, kernel.Value.InterpretersHead);
            var word = expected.GetProperty("code").GetUInt64() | ((ulong)expected.GetProperty("index").GetInt32() << ProfilerAbi.PythonIndexShift);
            var frame = python.Resolve(process.Id, word);
            Assert.Equal(new CPythonFrame("Holder.method", expected.GetProperty("file").GetString()!, expected.GetProperty("line").GetInt32()), frame);
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
