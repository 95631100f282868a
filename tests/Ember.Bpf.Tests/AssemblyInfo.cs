// Kernel tests share two CPUs, the perf events and this process's fd table: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The sampler under test is Linux-only (perf events, BPF, /proc).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
