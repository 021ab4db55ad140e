/**
 * Optimising a program's inputs with the gradient {@code lambda_{1:d}} that a solve returns:
 * {@link dev.lagrange.optimize.ProgramObjective} (a program as a function of some of its inputs),
 * {@link dev.lagrange.optimize.GradientDescent} (steepest descent or ascent with Armijo backtracking),
 * {@link dev.lagrange.optimize.Lbfgs} (limited-memory BFGS on any smooth function, which the
 * multiplier methods use for their subproblems)
 * and {@link dev.lagrange.optimize.CommonsMathOptimizers} (commons-math3's conjugate gradients, and
 * its derivative-free Nelder-Mead and BOBYQA for comparison). Every optimiser returns an
 * {@link dev.lagrange.optimize.OptimizeResult}; non-convergence is a status, never an exception.
 */
package dev.lagrange.optimize;
