using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Ember.Profiles.Tests.Rendering;

/// <summary>
/// Loads a page in the machine's real Chromium (headless) and returns the DOM after its scripts ran.
/// A missing Chromium fails the test: a silently skipped browser test proves nothing.
/// </summary>
internal static partial class HeadlessChromium
{
    private const string Executable = "/usr/bin/chromium";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Flags that keep Chromium offline and quiet: the network is closed here, and as root it needs --no-sandbox.
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Writes <paramref name="html"/> to a temporary file, opens it (with an optional #fragment) and dumps the DOM.</summary>
    public static string DumpDom(string html, string fragment = "")
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: install Chromium (apt-get install chromium) to run the flame graph browser tests");
        var directory = Directory.CreateTempSubdirectory("ember-chromium-");
        try
        {
            var page = Path.Combine(directory.FullName, "flame.html");
            File.WriteAllText(page, html);
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var flag in Flags)
            {
                start.ArgumentList.Add(flag);
            }

            start.ArgumentList.Add("--user-data-dir=" + Path.Combine(directory.FullName, "user-data"));
            start.ArgumentList.Add("--dump-dom");
            start.ArgumentList.Add(new Uri(page).AbsoluteUri + fragment);

            using var chromium = Process.Start(start)!;
            var output = chromium.StandardOutput.ReadToEndAsync();
            var errors = chromium.StandardError.ReadToEndAsync();
            if (!chromium.WaitForExit(Timeout))
            {
                chromium.Kill(entireProcessTree: true);
                chromium.WaitForExit();
                Assert.Fail($"chromium did not finish within {Timeout.TotalSeconds} s; stderr:\n{errors.Result}");
            }

            chromium.WaitForExit();
            Assert.True(chromium.ExitCode == 0, $"chromium exited with {chromium.ExitCode}; stderr:\n{errors.Result}");
            Assert.False(string.IsNullOrWhiteSpace(output.Result), $"chromium printed no DOM; stderr:\n{errors.Result}");
            return output.Result;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The frame elements of a dumped flame graph page, in document order.</summary>
    public static IReadOnlyList<DumpedFrame> Frames(string dom) =>
        ElementPattern().Matches(dom)
            .Select(m => new DumpedFrame(
                WebUtility.HtmlDecode(m.Groups["text"].Value),
                AttributePattern().Matches(m.Groups["attributes"].Value)
                    .ToDictionary(a => a.Groups["name"].Value, a => WebUtility.HtmlDecode(a.Groups["value"].Value), StringComparer.Ordinal)))
            .Where(f => f.Classes.Contains("frame"))
            .ToList();

    /// <summary>Text content of the element with this id (which must hold text only).</summary>
    public static string TextOf(string dom, string id)
    {
        var match = Regex.Match(dom, "<[a-z0-9]+ id=\"" + Regex.Escape(id) + "\"[^>]*>(?<text>[^<]*)</", RegexOptions.CultureInvariant);
        Assert.True(match.Success, $"no element with id '{id}' in the DOM");
        return WebUtility.HtmlDecode(match.Groups["text"].Value);
    }

    [GeneratedRegex("<div (?<attributes>[^>]*)>(?<text>[^<]*)</div>", RegexOptions.CultureInvariant)]
    private static partial Regex ElementPattern();

    [GeneratedRegex("(?<name>[a-z-]+)=\"(?<value>[^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex AttributePattern();
}

/// <summary>A frame element as Chromium serialized it.</summary>
internal sealed record DumpedFrame(string Name, IReadOnlyDictionary<string, string> Attributes)
{
    public IReadOnlyList<string> Classes => Attributes.GetValueOrDefault("class", string.Empty).Split(' ');

    public string this[string attribute] => Attributes[attribute];

    /// <summary>A CSS property from the inline style, e.g. "width" → "70.0000%".</summary>
    public string Style(string property) =>
        Attributes["style"].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(':', 2, StringSplitOptions.TrimEntries))
            .Single(p => p[0] == property)[1];
}
