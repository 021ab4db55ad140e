/**
 * JMH benchmarks of the program sweeps and of recording: the workloads (Domke's f repeated, a seeded
 * random DAG, an Euler chain), the forward and forward+gradient benchmarks, recording, and tape
 * memory. Figures and the command that reproduces them are in {@code docs/benchmarks.md}.
 */
package dev.lagrange.bench;
