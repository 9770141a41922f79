/**
 * Benchmark mains, run on demand (never in CI), each printing its figures: {@link
 * dev.keraslite.benchmarks.EagerDispatchBenchmark} for the cost of one eager op and one eager
 * training step.
 */
package dev.keraslite.benchmarks;
