using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Unwinding;

/// <summary>
/// tests/fixtures/cfi/frames.c compiled once per run with gcc -O2 -fomit-frame-pointer: as is
/// (.eh_frame), and with -g and no unwind tables, its .eh_frame removed, so only .debug_frame is left.
/// </summary>
internal static class CfiFixtures
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> _compiled = new(Compile, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IReadOnlyDictionary<string, string> Binaries => _compiled.Value;

    private static Dictionary<string, string> Compile()
    {
        var gcc = ExternalProcess.Require("gcc", "gcc");
        var objcopy = ExternalProcess.Require("objcopy", "binutils");
        var source = ExternalProcess.FixturePath("cfi/frames.c");
        var output = Directory.CreateTempSubdirectory("ember-cfi-").FullName;
        var optimized = Path.Combine(output, "frames-O2");
        ExternalProcess.RunChecked(gcc, ["-O2", "-fomit-frame-pointer", source, "-o", optimized]);
        var withDebug = Path.Combine(output, "frames-g");
        ExternalProcess.RunChecked(gcc, ["-O2", "-fomit-frame-pointer", "-g", "-fno-asynchronous-unwind-tables", source, "-o", withDebug]);
        var debugFrameOnly = Path.Combine(output, "frames-debug-frame");
        ExternalProcess.RunChecked(objcopy, ["-R", ".eh_frame", "-R", ".eh_frame_hdr", withDebug, debugFrameOnly]);
        return new Dictionary<string, string> { ["frames-O2"] = optimized, ["frames-debug-frame"] = debugFrameOnly };
    }
}
