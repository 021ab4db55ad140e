/**
 * Alternatives to back-substitution for the Lagrangian's equations, all behind one interface
 * ({@link dev.lagrange.solve.multiplier.MultiplierSolver}) and all returning the same
 * {@link dev.lagrange.solve.SolveResult} plus a per-iteration history
 * ({@link dev.lagrange.solve.multiplier.IterativeResult}): back-substitution itself (the
 * reference), Jacobi and Gauss-Seidel multiplier sweeps, dual ascent (Richardson) on the
 * multiplier equations, the augmented Lagrangian / method of multipliers, and ADMM over blocks of
 * variables. The lasso classes are the ADMM known answer (Boyd et al. 2011, section 6.4) with the
 * proximal-gradient baselines ISTA and FISTA.
 */
package dev.lagrange.solve.multiplier;
