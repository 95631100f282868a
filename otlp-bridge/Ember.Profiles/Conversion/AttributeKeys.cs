namespace Ember.Profiles.Conversion;

/// <summary>
/// Attribute keys the converters read and write: the semantic-convention build-id keys (from
/// <see cref="Otlp.SemanticConventions"/>) and the
/// pprof compatibility attributes (semconv registry "pprof", v1.40), plus the pprof label keys
/// that carry a span context.
/// </summary>
internal static class AttributeKeys
{
    public const string BuildIdGnu = Otlp.SemanticConventions.ProcessExecutableBuildIdGnu;
    public const string BuildIdGo = Otlp.SemanticConventions.ProcessExecutableBuildIdGo;
    public const string BuildIdHtlhash = Otlp.SemanticConventions.ProcessExecutableBuildIdHtlhash;

    public const string MappingHasFunctions = "pprof.mapping.has_functions";
    public const string MappingHasFilenames = "pprof.mapping.has_filenames";
    public const string MappingHasLineNumbers = "pprof.mapping.has_line_numbers";
    public const string MappingHasInlineFrames = "pprof.mapping.has_inline_frames";
    public const string LocationIsFolded = "pprof.location.is_folded";

    public const string ProfileComment = "pprof.profile.comment";
    public const string ProfileDropFrames = "pprof.profile.drop_frames";
    public const string ProfileKeepFrames = "pprof.profile.keep_frames";
    public const string ProfileDocUrl = "pprof.profile.doc_url";

    public const string ScopeDefaultSampleType = "pprof.scope.default_sample_type";
    public const string ScopeSampleTypeOrder = "pprof.scope.sample_type_order";

    /// <summary>Prefix of every pprof compatibility attribute; such attributes never become labels.</summary>
    public const string PprofPrefix = "pprof.";

    /// <summary>pprof label holding a span ID as 16 lowercase hex digits (Go's otel-profiling convention).</summary>
    public const string SpanIdLabel = "span_id";

    /// <summary>pprof label holding a trace ID as 32 lowercase hex digits.</summary>
    public const string TraceIdLabel = "trace_id";

    /// <summary>Schema of the semantic conventions that define the pprof.scope.* attributes.</summary>
    public const string SchemaUrl = "https://opentelemetry.io/schemas/1.40.0";
}
