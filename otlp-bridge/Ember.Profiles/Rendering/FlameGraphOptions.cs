namespace Ember.Profiles.Rendering;

/// <summary>Options for <see cref="FlameGraphHtml"/>; every property has a usable default.</summary>
public sealed class FlameGraphOptions
{
    /// <summary>Page title; null for "Flame graph" (or "Diff flame graph").</summary>
    public string? Title { get; set; }

    /// <summary>Sample type to draw; null for the profile's default (see <see cref="CallTree.DefaultSampleTypeIndex"/>).</summary>
    public int? SampleTypeIndex { get; set; }

    /// <summary>
    /// Frames narrower than this fraction of the current view (the root, or the zoomed frame) are
    /// not drawn, which keeps the page fast; zooming in brings them back. Default 0.001 (0.1%).
    /// </summary>
    public double MinFrameWidth { get; set; } = 0.001;

    /// <summary>
    /// Call paths whose share of the whole profile is below this fraction are left out of the page
    /// (their value stays in their callers' totals), which bounds its size. Default 0.00001: such
    /// frames would only appear after zooming in more than 100×. 0 keeps everything.
    /// </summary>
    public double MinEmbeddedShare { get; set; } = 0.00001;
}
