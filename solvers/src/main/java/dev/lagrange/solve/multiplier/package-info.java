/**
 * Alternatives to back-substitution for the Lagrangian's equations, all behind one interface
 * ({@link dev.lagrange.solve.multiplier.MultiplierSolver}) and all returning the same
 * {@link dev.lagrange.solve.SolveResult} plus a per-iteration history
 * ({@link dev.lagrange.solve.multiplier.IterativeResult}): back-substitution itself (the
 * reference), Jacobi and Gauss-Seidel multiplier sweeps, dual ascent (Richardson) on the
 * multiplier equations, the augmented Lagrangian / method of multipliers, and ADMM over blocks of
 * variables. The lasso classes are the ADMM known answer (Boyd et al. 2011, section 6.4) with the
 * proximal-gradient baselines ISTA and FISTA.
 *
 * <p>Every iterative method here is one iteration on a shared scaffold ({@code MethodRun}: the
 * forward pass, the iterate / record / stop loop, the result checked against the Lagrangian's
 * residuals whatever the method's own rule). The ADMMs: {@link dev.lagrange.solve.multiplier.BlockAdmm}
 * is the general one, any program split into blocks of nodes on its own augmented Lagrangian;
 * {@link dev.lagrange.solve.multiplier.LassoAdmm} the two-block textbook form with closed-form steps;
 * {@link dev.lagrange.solve.admm.AdmmNetworkTrainer} the network specialisation of Taylor et al.
 * Their subproblems are solved by {@link dev.lagrange.optimize.Lbfgs}.
 */
package dev.lagrange.solve.multiplier;
