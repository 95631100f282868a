// Runspaces are independent, but the Go fixture and the fakes share ports and CPU: one test at a time
// keeps the CPU-time workload's sample counts stable on two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
