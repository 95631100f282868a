using System.Runtime.Versioning;

// The agent under test is Linux-only (perf events, BPF, /proc).
[assembly: SupportedOSPlatform("linux")]

// Sampling tests measure a CPU-burning workload on two shared cores, next to an AOT compile:
// run them one at a time so every workload gets the CPU its assertions expect. This also keeps
// AgentMetricsTests' MeterListener, which hears every agent Meter in the process, to one run at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
