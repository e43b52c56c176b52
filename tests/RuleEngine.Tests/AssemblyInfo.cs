using Xunit;

// The throughput measurement needs the core to itself.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
