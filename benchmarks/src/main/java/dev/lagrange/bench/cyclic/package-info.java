/**
 * Cyclic blocks at scale: a random sparse MDP's policy evaluation (10^5 states), timed against
 * SciPy's sparse direct solver on the same matrices, and its JMH benchmark.
 */
package dev.lagrange.bench.cyclic;
