/**
 * Worked problems, one class each, each with a {@code main} and a test that runs it: MDP policy
 * evaluation and its gradients, path sums in a weighted automaton with cycles.
 */
package dev.lagrange.examples;
