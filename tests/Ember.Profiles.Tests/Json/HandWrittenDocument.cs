namespace Ember.Profiles.Tests.Json;

/// <summary>An OTLP/JSON document written by hand from the specification, as a collector would send it.</summary>
internal static class HandWrittenDocument
{
    public static byte[] EbpfCpuProfile => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "otlp-json", "ebpf-cpu-profile.json"));
}
