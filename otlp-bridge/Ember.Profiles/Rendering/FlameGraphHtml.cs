using System.Globalization;
using System.Net;
using System.Text;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.Profiles.Rendering;

/// <summary>
/// Renders flame graphs as one self-contained HTML page: inline CSS and script, the data as JSON,
/// no external references (a Content-Security-Policy forbids loading anything), so the file can be
/// mailed, archived or opened offline. Frames are positioned <c>div</c>s (root at the top, callees
/// below), their width the frame's share of the view; clicking zooms, a search box highlights
/// matches and sums their share, a tooltip gives name, self, total and shares. Function names are
/// only ever inserted as text.
/// </summary>
public static class FlameGraphHtml
{
    /// <summary>Renders the flame graph of one profile.</summary>
    /// <exception cref="ArgumentException">The profile has no sample types or its samples do not match them.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The options name a sample type the profile lacks, or a fraction outside [0, 1).</exception>
    public static string Render(Pprof.Profile profile, FlameGraphOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        options = Validated(options);
        var tree = CallTree.Build(profile, options.SampleTypeIndex);
        return Page(options.Title ?? "Flame graph", FlameGraphTemplate.Legend(options.MinFrameWidth), FlameGraphData.Of(tree, options));
    }

    /// <summary>
    /// Renders a diff flame graph: frames are as wide as their total in <paramref name="after"/> and
    /// coloured by the change of their share of the total, red for grown, blue for shrunk, grey for
    /// unchanged, deeper for bigger changes. Shares are normalized per profile, so profiles of
    /// different lengths compare fairly.
    /// </summary>
    /// <exception cref="ArgumentException">A profile has no sample types or its samples do not match them.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The options name a sample type a profile lacks, or a fraction outside [0, 1).</exception>
    public static string RenderDiff(Pprof.Profile before, Pprof.Profile after, FlameGraphOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        options = Validated(options);
        var diff = CallTree.Diff(CallTree.Build(before, options.SampleTypeIndex), CallTree.Build(after, options.SampleTypeIndex));
        return Page(options.Title ?? "Diff flame graph", FlameGraphTemplate.DiffLegend(options.MinFrameWidth), FlameGraphData.Of(diff, options));
    }

    private static FlameGraphOptions Validated(FlameGraphOptions? options)
    {
        options ??= new FlameGraphOptions();
        ThrowUnlessFraction(options.MinFrameWidth, nameof(FlameGraphOptions.MinFrameWidth));
        ThrowUnlessFraction(options.MinEmbeddedShare, nameof(FlameGraphOptions.MinEmbeddedShare));
        return options;
    }

    private static void ThrowUnlessFraction(double value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(
                name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be in [0, 1), was {value}"));
        }
    }

    private static string Page(string title, string legend, string json)
    {
        var html = new StringBuilder(json.Length + FlameGraphTemplate.Script.Length + 8192);
        html.Append(FlameGraphTemplate.Head)
            .Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n")
            .Append(FlameGraphTemplate.Style)
            .Append("</head>\n<body>\n<h1 id=\"title\">").Append(WebUtility.HtmlEncode(title)).Append("</h1>\n")
            .Append(FlameGraphTemplate.Controls)
            .Append(legend)
            .Append(FlameGraphTemplate.GraphArea)
            .Append("<script type=\"application/json\" id=\"ember-data\">").Append(json).Append("</script>\n")
            .Append("<script>").Append(FlameGraphTemplate.Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }
}
