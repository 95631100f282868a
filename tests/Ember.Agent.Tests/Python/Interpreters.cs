namespace Ember.Agent.Tests.Python;

/// <summary>
/// The real CPython interpreters the tests run, each started as is (no -X perf, nothing set): Debian's
/// python3.11 (bash .ci/run installs it) and the machine image's pyenv builds of 3.10, 3.12 and 3.13
/// (shared libpython, no frame pointers). A missing one fails the test that needs it.
/// </summary>
internal static class Interpreters
{
    private const string PyenvVersions = "/root/.pyenv/versions";

    /// <summary>The interpreter of CPython <paramref name="version"/> ("3.12").</summary>
    public static string Of(string version)
    {
        if (version == "3.11")
        {
            return File.Exists("/usr/bin/python3.11") ? "/usr/bin/python3.11" : throw new FileNotFoundException("/usr/bin/python3.11 is missing: install the Debian package python3.11");
        }

        var build = Directory.Exists(PyenvVersions)
            ? Directory.GetDirectories(PyenvVersions, version + ".*").Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        var path = build is null ? null : Path.Combine(build, "bin", "python" + version);
        return path is not null && File.Exists(path)
            ? path
            : throw new FileNotFoundException($"no CPython {version} under {PyenvVersions}: this machine's image carries pyenv builds of 3.10, 3.12 and 3.13");
    }
}
