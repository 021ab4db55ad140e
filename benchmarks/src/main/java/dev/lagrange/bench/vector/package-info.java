/**
 * Vector nodes at network scale: a 50-layer, width-100 tanh network's forward pass and gradient
 * as scalar nodes, as vector nodes, and as hand-written plain-array and EJML code; policy evaluation
 * of MDPs in vector form, with a dense and with a sparse transition matrix. The DJL/PyTorch
 * version ({@code DjlTanhNetwork}, {@code VectorNetworkDjlBenchmark}) lives in {@code src/djl/java}
 * and is compiled only with the Maven profile {@code djl}.
 */
package dev.lagrange.bench.vector;
