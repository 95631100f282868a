using Ember.Bridge.Symbolization;
using Ember.Bridge.Telemetry;
using Ember.Profiles.Otlp;
using Ember.Symbols.DebugInfo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Bridge.Tests.Symbolization;

/// <summary>The symbolizer stage under hostile debug info and a source that stalls: the batch goes on, unchanged, and nothing hangs.</summary>
public sealed class SymbolizerStageTests : IDisposable
{
    private const string BuildId = "0123456789abcdef0123456789abcdef01234567";
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly string _store = Directory.CreateTempSubdirectory("ember-store-").FullName;

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_store, recursive: true);
    }

    [Fact]
    public async Task A_garbage_debug_file_is_counted_unusable_and_the_batch_keeps_its_frames_as_they_were()
    {
        var file = Path.Combine(Directory.CreateDirectory(Path.Combine(_store, BuildId)).FullName, DebugInfoStore.DebugInfoFileName);
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        "\x7f"u8.ToArray().CopyTo(garbage, 0); // almost an ELF magic
        await File.WriteAllBytesAsync(file, garbage);
        var (symbolizer, data, location) = Stage(new DebugInfoStore(_store), TimeSpan.FromSeconds(30));

        await symbolizer.SymbolizeAsync(data, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(location.Lines);
        Assert.Equal(0x401234UL, location.Address);
    }

    [Fact]
    public async Task A_source_that_never_answers_holds_a_batch_no_longer_than_the_deadline()
    {
        var stalled = new StalledSource();
        var (symbolizer, data, location) = Stage(stalled, TimeSpan.FromMilliseconds(200));

        // Without the deadline this would never return; 30 s is only the test's own guard against a hang.
        await symbolizer.SymbolizeAsync(data, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(location.Lines);

        // The next batch shares the lookup still running instead of starting another.
        await symbolizer.SymbolizeAsync(data, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, stalled.Calls);
        stalled.Answer.SetResult(null);
    }

    private (ProfileSymbolizer Symbolizer, ProfilesData Data, Location Location) Stage(IDebugInfoSource source, TimeSpan deadline)
    {
        var metrics = new BridgeMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), () => []);
        var resolver = new DebugInfoResolver([source], metrics, TimeProvider.System, NullLogger.Instance);
        var symbolizer = new ProfileSymbolizer(resolver, deadline, TimeProvider.System, metrics);

        var mapping = new Mapping { MemoryStart = 0x400000, MemoryLimit = 0x500000, FileOffset = 0, FileName = "/usr/bin/stripped" };
        mapping.Attributes.Add(KeyValueAndUnit.String(SemanticConventions.ProcessExecutableBuildIdGnu, BuildId));
        var location = new Location { Mapping = mapping, Address = 0x401234 };
        var profile = new Profile { SampleType = new Ember.Profiles.ProfileValueType("samples", "count") };
        var sample = new Sample();
        sample.Stack.Locations.Add(location);
        sample.Values.Add(1);
        profile.Samples.Add(sample);
        var scope = new ScopeProfiles();
        scope.Profiles.Add(profile);
        var resource = new ResourceProfiles();
        resource.ScopeProfiles.Add(scope);
        var data = new ProfilesData();
        data.ResourceProfiles.Add(resource);
        return (symbolizer, data, location);
    }

    private sealed class StalledSource : IDebugInfoSource
    {
        private int _calls;

        public TaskCompletionSource<string?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls => _calls;

        public string Name => "stalled";

        public Task<string?> FindAsync(string buildId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Answer.Task;
        }
    }
}
