using Xunit;

// These tests kill processes and restart databases, and measure how long recovery takes: on a
// two-core machine they must not compete with each other for the CPU.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
