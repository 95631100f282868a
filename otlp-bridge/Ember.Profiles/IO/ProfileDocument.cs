using System.Text;
using Ember.Profiles.Compression;
using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using Ember.Profiles.Rendering;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.IO;

/// <summary>
/// A profile read from any supported format. It keeps the form it was read in and converts to
/// the other model only when asked, so OTLP → OTLP/JSON (or pprof → pprof) loses nothing.
/// </summary>
public sealed class ProfileDocument
{
    private P.Profile? _pprof;
    private ProfilesData? _otlp;

    private ProfileDocument(P.Profile? pprof, ProfilesData? otlp, ProfileFormat format)
    {
        _pprof = pprof;
        _otlp = otlp;
        SourceFormat = format;
    }

    /// <summary>The format the profile was read from.</summary>
    public ProfileFormat SourceFormat { get; }

    /// <summary>The profile as pprof (OTLP input is merged into one pprof, resource attributes become labels).</summary>
    public P.Profile Pprof => _pprof ??= OtlpToPprof.ConvertMerged(_otlp!);

    /// <summary>The profile as OTLP (pprof input gets one OTLP profile per sample type).</summary>
    public ProfilesData Otlp => _otlp ??= PprofToOtlp.Convert(_pprof!);

    /// <summary>Wraps a pprof profile.</summary>
    public static ProfileDocument FromPprof(P.Profile profile) => new(profile, null, ProfileFormat.Pprof);

    /// <summary>Wraps OTLP profiles.</summary>
    public static ProfileDocument FromOtlp(ProfilesData data) => new(null, data, ProfileFormat.Otlp);

    /// <summary>Reads a file; the format comes from <paramref name="format"/>, the extension, or the content.</summary>
    /// <exception cref="ProfileFormatException">The content is not a valid profile of that format.</exception>
    public static ProfileDocument Load(string path, ProfileFormat? format = null, ProfileReadLimits? limits = null)
    {
        limits ??= ProfileReadLimits.Default;
        using var stream = File.OpenRead(path);
        return Parse(PayloadDecoder.ReadAll(stream, limits), format ?? ProfileFormats.FromPath(path), limits);
    }

    /// <summary>Parses bytes (raw or gzip) in the given format, or sniffs it when null.</summary>
    public static ProfileDocument Parse(ReadOnlyMemory<byte> data, ProfileFormat? format, ProfileReadLimits? limits = null)
    {
        limits ??= ProfileReadLimits.Default;
        var payload = PayloadDecoder.Decode(data, limits);
        var resolved = format ?? SniffText(payload.Span);
        if (resolved is null)
        {
            return ParseBinary(payload, limits);
        }

        return resolved.Value switch
        {
            ProfileFormat.Pprof => new ProfileDocument(P.PprofDecoder.Decode(payload, limits), null, ProfileFormat.Pprof),
            ProfileFormat.Otlp => new ProfileDocument(null, OtlpDecoder.Decode(payload, limits), ProfileFormat.Otlp),
            ProfileFormat.OtlpJson => new ProfileDocument(null, OtlpJsonCodec.DecodeUncompressed(payload, limits), ProfileFormat.OtlpJson),
            ProfileFormat.Folded => new ProfileDocument(FoldedStacks.Read(DecodeText(payload.Span)), null, ProfileFormat.Folded),
            ProfileFormat.Html => throw new ProfileFormatException("HTML flame graphs can be written but not read back"),
            _ => throw new ProfileFormatException($"unknown profile format {resolved}"),
        };
    }

    /// <summary>Serializes in the given format (pprof is gzip-compressed, as on disk).</summary>
    public byte[] Write(ProfileFormat format, FlameGraphOptions? flameGraph = null) => format switch
    {
        ProfileFormat.Pprof => P.PprofCodec.EncodeGzip(Pprof),
        ProfileFormat.Otlp => OtlpCodec.Encode(Otlp),
        ProfileFormat.OtlpJson => OtlpJsonCodec.Encode(Otlp, indented: true),
        ProfileFormat.Folded => Encoding.UTF8.GetBytes(FoldedStacks.Write(Pprof)),
        ProfileFormat.Html => Encoding.UTF8.GetBytes(FlameGraphHtml.Render(Pprof, flameGraph)),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown profile format"),
    };

    /// <summary>Recognizes the text formats: JSON starts with '{'; folded lines end in a number.</summary>
    private static ProfileFormat? SniffText(ReadOnlySpan<byte> payload)
    {
        var trimmed = payload.TrimStart(" \t\r\n"u8);
        if (!trimmed.IsEmpty && trimmed[0] == (byte)'{')
        {
            return ProfileFormat.OtlpJson;
        }

        return LooksLikeFolded(trimmed) ? ProfileFormat.Folded : null;
    }

    /// <summary>
    /// An unlabelled binary payload is tried as pprof first (its mandatory "" string table entry
    /// rarely holds by accident), then as OTLP; when both fail, both reasons are reported.
    /// </summary>
    private static ProfileDocument ParseBinary(ReadOnlyMemory<byte> payload, ProfileReadLimits limits)
    {
        try
        {
            return new ProfileDocument(P.PprofDecoder.Decode(payload, limits), null, ProfileFormat.Pprof);
        }
        catch (ProfileFormatException pprofError)
        {
            try
            {
                return new ProfileDocument(null, OtlpDecoder.Decode(payload, limits), ProfileFormat.Otlp);
            }
            catch (ProfileFormatException otlpError)
            {
                throw new ProfileFormatException(
                    $"not a pprof profile ({pprofError.Message}) nor OTLP profiles ({otlpError.Message})", otlpError);
            }
        }
    }

    private static bool LooksLikeFolded(ReadOnlySpan<byte> text)
    {
        var end = text.IndexOf((byte)'\n');
        var first = end < 0 ? text : text[..end];
        first = first.TrimEnd("\r"u8);
        var space = first.LastIndexOf((byte)' ');
        if (space <= 0 || space == first.Length - 1)
        {
            return false;
        }

        foreach (var b in first[(space + 1)..])
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return !first.ContainsAny((byte)0, (byte)1);
    }

    private static string DecodeText(ReadOnlySpan<byte> payload)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(payload);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ProfileFormatException("folded stacks are not valid UTF-8 text", ex);
        }
    }
}
