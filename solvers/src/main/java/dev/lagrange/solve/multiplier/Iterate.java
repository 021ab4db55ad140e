package dev.lagrange.solve.multiplier;

/**
 * One row of an iterative method's history, taken after iteration {@code iteration}.
 *
 * @param iteration 1 for the first iteration (0 for the starting point where one is recorded)
 * @param constraintResidual {@code max_i |z_i - f_i(z_alpha(i))|}, primal feasibility
 * @param stationarityResidual {@code max_j |dL/dz_j|}, the multiplier equations' residual
 * @param objective the objective at the iterate: z_n for the program methods, the lasso objective for
 *     the lasso methods
 * @param seconds wall time since the method started
 */
public record Iterate(int iteration, double constraintResidual, double stationarityResidual, double objective,
        double seconds) {
}
