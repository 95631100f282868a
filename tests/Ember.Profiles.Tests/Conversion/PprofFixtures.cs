using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Tests.Conversion;

/// <summary>
/// Hand-built pprof profiles shaped like what Go's runtime/pprof writes for a service: a CPU profile
/// and a heap profile over the same binary, libc, the vdso and the kernel. Every table entry is
/// reachable from a sample, and mappings are in address order, as runtime/pprof writes them.
/// </summary>
internal static class PprofFixtures
{
    public const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    public const string SpanId = "00f067aa0ba902b7";
    public const string MainBuildId = "7c1d5d0b4a3b2f1e9d8c7b6a5f4e3d2c1b0a9f8e";
    public const string LibcBuildId = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
    public const long StartTime = 1_767_225_600_000_000_000; // 2026-01-01T00:00:00Z
    public const long TenSeconds = 10_000_000_000;
    public const long CpuPeriod = 10_000_000; // 100 Hz

    /// <summary>The binary and libraries both fixtures run in.</summary>
    private sealed class Binary
    {
        public Binary()
        {
            Main = new P.Mapping
            {
                MemoryStart = 0x400000,
                MemoryLimit = 0xc00000,
                FileName = "/usr/local/bin/checkout",
                BuildId = MainBuildId,
                HasFunctions = true,
                HasFilenames = true,
                HasLineNumbers = true,
                HasInlineFrames = true,
            };
            Libc = new P.Mapping
            {
                MemoryStart = 0x7f3a12000000,
                MemoryLimit = 0x7f3a12200000,
                FileOffset = 0x28000,
                FileName = "/usr/lib/x86_64-linux-gnu/libc.so.6",
                BuildId = LibcBuildId,
                HasFunctions = true,
            };
            Vdso = new P.Mapping { MemoryStart = 0x7ffd5e1f0000, MemoryLimit = 0x7ffd5e1f2000, FileName = "[vdso]" };
            Kernel = new P.Mapping { MemoryStart = 0xffffffff81000000, MemoryLimit = 0xffffffff83000000, FileName = "[kernel.kallsyms]" };
        }

        public P.Mapping Main { get; }

        public P.Mapping Libc { get; }

        public P.Mapping Vdso { get; }

        public P.Mapping Kernel { get; }

        public static P.Function Function(string name, string file, long startLine, string systemName = "") =>
            new() { Name = name, SystemName = systemName.Length > 0 ? systemName : name, FileName = file, StartLine = startLine };

        public static P.Location At(P.Mapping mapping, ulong address, params (P.Function? Function, long Line, long Column)[] lines)
        {
            var location = new P.Location { Mapping = mapping, Address = address };
            foreach (var (function, line, column) in lines)
            {
                location.Lines.Add(new P.Line { Function = function, Number = line, Column = column });
            }

            return location;
        }
    }

    /// <summary>
    /// CPU profile: (samples,count) + (cpu,nanoseconds), no default sample type (pprof shows the last),
    /// span/trace labels, an invalid span label, repeated string and numeric label keys, an inlined
    /// frame, a folded location, an unsymbolized libc address, vdso and kernel frames, comments,
    /// drop/keep frames and a doc URL.
    /// </summary>
    public static P.Profile Cpu()
    {
        var binary = new Binary();
        var main = Binary.Function("main.main", "/src/checkout/main.go", 30);
        var serve = Binary.Function("net/http.(*conn).serve", "/usr/local/go/src/net/http/server.go", 1890);
        var placeOrder = Binary.Function("checkout.(*Service).PlaceOrder", "/src/checkout/service.go", 35);
        var computeTax = Binary.Function("checkout.computeTax", "/src/checkout/tax.go", 80);
        var marshal = Binary.Function("encoding/json.Marshal", "/usr/local/go/src/encoding/json/encode.go", 157);
        var mallocgc = Binary.Function("runtime.mallocgc", "/usr/local/go/src/runtime/malloc.go", 1005);
        var charge = Binary.Function("Billing::charge(int)", "billing.cc", 12, systemName: "_ZN7Billing6chargeEi");
        var memmove = Binary.Function("__memmove_avx_unaligned_erms", string.Empty, 0);
        var clockGettime = Binary.Function("__vdso_clock_gettime", string.Empty, 0);
        var schedule = Binary.Function("schedule", string.Empty, 0);

        var mainLoc = Binary.At(binary.Main, 0x4012a0, (main, 42, 0));
        var serveLoc = Binary.At(binary.Main, 0x5a1b20, (serve, 1952, 9));
        var placeOrderLoc = Binary.At(binary.Main, 0x6c0010, (computeTax, 88, 12), (placeOrder, 40, 5));
        var marshalLoc = Binary.At(binary.Main, 0x4b2c00, (marshal, 158, 0));
        var mallocLoc = Binary.At(binary.Main, 0x40f800, (mallocgc, 1010, 0));
        mallocLoc.IsFolded = true;
        var chargeLoc = Binary.At(binary.Main, 0x700100, (charge, 14, 3));
        var memmoveLoc = Binary.At(binary.Libc, 0x7f3a1209a1c0, (memmove, 0, 0));
        var unsymbolizedLoc = Binary.At(binary.Libc, 0x7f3a12100abc);
        var clockLoc = Binary.At(binary.Vdso, 0x7ffd5e1f0a10, (clockGettime, 0, 0));
        var scheduleLoc = Binary.At(binary.Kernel, 0xffffffff81c3e2a0, (schedule, 0, 0));

        var profile = new P.Profile
        {
            TimeNanos = StartTime,
            DurationNanos = TenSeconds,
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = CpuPeriod,
            DropFrames = @"runtime\..*",
            KeepFrames = @"runtime\.main",
            DocUrl = "https://pkg.go.dev/runtime/pprof#StartCPUProfile",
        };
        profile.SampleTypes.Add(new ProfileValueType("samples", "count"));
        profile.SampleTypes.Add(new ProfileValueType("cpu", "nanoseconds"));
        profile.Comments.Add("checkout-service CPU profile");
        profile.Comments.Add("collected by the ember test suite");
        profile.Mappings.AddRange([binary.Main, binary.Libc, binary.Vdso, binary.Kernel]);
        profile.Functions.AddRange([main, serve, placeOrder, computeTax, marshal, mallocgc, charge, memmove, clockGettime, schedule]);
        profile.Locations.AddRange([mainLoc, serveLoc, placeOrderLoc, marshalLoc, mallocLoc, chargeLoc, memmoveLoc, unsymbolizedLoc, clockLoc, scheduleLoc]);

        AddSample(profile, [placeOrderLoc, serveLoc, mainLoc], [12, 120_000_000],
            P.Label.String("http.route", "/checkout"), P.Label.String("trace_id", TraceId), P.Label.String("span_id", SpanId));
        AddSample(profile, [mallocLoc, marshalLoc, placeOrderLoc, serveLoc, mainLoc], [5, 50_000_000],
            P.Label.String("http.route", "/checkout"), P.Label.String("span_id", SpanId));
        AddSample(profile, [memmoveLoc, unsymbolizedLoc, chargeLoc, mainLoc], [3, 30_000_000],
            P.Label.String("tenant", "acme"), P.Label.String("tenant", "globex"), P.Label.Number("retry", 1, "count"), P.Label.Number("retry", 2, "count"));
        AddSample(profile, [clockLoc, serveLoc, mainLoc], [1, 10_000_000],
            P.Label.String("span_id", "00F067AA0BA902B7"), P.Label.String("trace_id", "not-a-trace-id"));
        AddSample(profile, [scheduleLoc, mainLoc], [2, 20_000_000], P.Label.Number("goroutine", 17));
        AddSample(profile, [placeOrderLoc, serveLoc, mainLoc], [7, 70_000_000]);
        return profile;
    }

    /// <summary>
    /// Heap profile: four sample types with default "alloc_space" (not the last one), numeric "bytes"
    /// labels (with and without unit, as Go writes them), a (space,bytes) period.
    /// </summary>
    public static P.Profile Heap()
    {
        var binary = new Binary();
        var main = Binary.Function("main.main", "/src/checkout/main.go", 30);
        var newCart = Binary.Function("checkout.NewCart", "/src/checkout/cart.go", 20);
        var makeSlice = Binary.Function("runtime.makeslice", "/usr/local/go/src/runtime/slice.go", 100);
        var mallocgc = Binary.Function("runtime.mallocgc", "/usr/local/go/src/runtime/malloc.go", 1005);
        var malloc = Binary.Function("malloc", string.Empty, 0);

        var mainLoc = Binary.At(binary.Main, 0x4012a0, (main, 42, 0));
        var cartLoc = Binary.At(binary.Main, 0x6b0020, (newCart, 24, 0));
        var makeSliceLoc = Binary.At(binary.Main, 0x44a300, (mallocgc, 1100, 0), (makeSlice, 116, 0));
        var mallocLoc = Binary.At(binary.Libc, 0x7f3a120a0010, (malloc, 0, 0));

        var profile = new P.Profile
        {
            TimeNanos = StartTime + 42,
            PeriodType = new ProfileValueType("space", "bytes"),
            Period = 524_288,
            DefaultSampleType = "alloc_space",
        };
        profile.SampleTypes.AddRange([
            new ProfileValueType("alloc_objects", "count"),
            new ProfileValueType("alloc_space", "bytes"),
            new ProfileValueType("inuse_objects", "count"),
            new ProfileValueType("inuse_space", "bytes"),
        ]);
        profile.Mappings.AddRange([binary.Main, binary.Libc]);
        profile.Functions.AddRange([main, newCart, makeSlice, mallocgc, malloc]);
        profile.Locations.AddRange([mainLoc, cartLoc, makeSliceLoc, mallocLoc]);

        AddSample(profile, [makeSliceLoc, cartLoc, mainLoc], [1024, 49_152, 10, 480], P.Label.Number("bytes", 48));
        AddSample(profile, [makeSliceLoc, cartLoc, mainLoc], [16, 65_536, 0, 0], P.Label.Number("bytes", 4096, "bytes"));
        AddSample(profile, [mallocLoc, mainLoc], [3, 3 * 1_048_576, 3, 3 * 1_048_576], P.Label.Number("bytes", 1_048_576), P.Label.String("pool", "buffers"));
        return profile;
    }

    private static void AddSample(P.Profile profile, P.Location[] stack, long[] values, params P.Label[] labels)
    {
        var sample = new P.Sample();
        sample.Locations.AddRange(stack);
        sample.Values.AddRange(values);
        sample.Labels.AddRange(labels);
        profile.Samples.Add(sample);
    }
}
