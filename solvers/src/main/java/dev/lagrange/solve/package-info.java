/**
 * Solvers of a program's Lagrangian equations: the common {@link dev.lagrange.solve.Solver}
 * interface, options, statuses and results, and the block-coordinate solver.
 */
package dev.lagrange.solve;
