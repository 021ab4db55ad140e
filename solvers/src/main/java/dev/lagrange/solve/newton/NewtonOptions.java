package dev.lagrange.solve.newton;

/**
 * Settings of Newton's method on cyclic blocks that {@link dev.lagrange.solve.SolveOptions} does not
 * cover (its tolerance and iteration limit apply to each block). Validated on construction;
 * {@code with...} returns a copy.
 *
 * @param armijo the sufficient-decrease constant c of the backtracking line search on
 *     {@code phi = ||g||_2^2 / 2}: a step t is taken when {@code phi(z + t dz) <= (1 - 2 c t) phi(z)}
 *     (Nocedal and Wright, Numerical Optimization, 2nd ed., section 11.5), in (0, 1/2)
 * @param minStep the smallest step length tried before the line search falls back to a steepest
 *     descent step on phi, in (0, 1)
 * @param maxCondition the 1-norm condition estimate of the block Jacobian above which it counts as
 *     singular, at least 1
 * @param polishSteps extra Newton steps taken once the residual is below tolerance, while it is above
 *     rounding level and still falls, so that values and multipliers come out at rounding level
 * @param denseLimit the largest block (in unknowns) factored by dense LU; larger ones use sparse LU
 *     with a reverse Cuthill-McKee ordering, up to {@code krylovAbove}
 * @param krylovAbove the largest block factored at all; larger ones solve each Newton step and the
 *     multiplier system by Jacobi-preconditioned GMRES from products with J and J^T (no fill, no
 *     condition estimate), and factor J by sparse LU only where GMRES stalls
 * @param krylovTolerance GMRES stops when {@code ||b - A x||_2 <= krylovTolerance ||b||_2}, in (0, 1)
 * @param krylovRestart the GMRES cycle length k (k + 1 vectors of the block's size are kept), positive
 * @param krylovMaxProducts the most products with J (or J^T) one Krylov solve may take, positive
 */
public record NewtonOptions(double armijo, double minStep, double maxCondition, int polishSteps, int denseLimit,
        int krylovAbove, double krylovTolerance, int krylovRestart, int krylovMaxProducts) {
    public NewtonOptions {
        if (!(armijo > 0 && armijo < 0.5)) {
            throw new IllegalArgumentException("armijo must be in (0, 1/2): " + armijo);
        }
        if (!(minStep > 0 && minStep < 1)) {
            throw new IllegalArgumentException("minStep must be in (0, 1): " + minStep);
        }
        if (!(maxCondition >= 1)) {
            throw new IllegalArgumentException("maxCondition must be at least 1: " + maxCondition);
        }
        if (polishSteps < 0) {
            throw new IllegalArgumentException("polishSteps must be >= 0: " + polishSteps);
        }
        if (denseLimit < 0) {
            throw new IllegalArgumentException("denseLimit must be >= 0: " + denseLimit);
        }
        if (krylovAbove < 0) {
            throw new IllegalArgumentException("krylovAbove must be >= 0: " + krylovAbove);
        }
        if (!(krylovTolerance > 0 && krylovTolerance < 1)) {
            throw new IllegalArgumentException("krylovTolerance must be in (0, 1): " + krylovTolerance);
        }
        if (krylovRestart < 1) {
            throw new IllegalArgumentException("krylovRestart must be positive: " + krylovRestart);
        }
        if (krylovMaxProducts < 1) {
            throw new IllegalArgumentException("krylovMaxProducts must be positive: " + krylovMaxProducts);
        }
    }

    /**
     * c = 1e-4, steps down to 1e-10, condition limit 1e15, 2 polishing steps, dense LU up to 600
     * unknowns, sparse LU up to 1,000, GMRES(50) above to a relative residual of 1e-13 in at most
     * 500 products (then sparse LU after all).
     */
    public static NewtonOptions defaults() {
        return new NewtonOptions(1e-4, 1e-10, 1e15, 2, 600, 1000, 1e-13, 50, 500);
    }

    public NewtonOptions withArmijo(double c) {
        return new NewtonOptions(c, minStep, maxCondition, polishSteps, denseLimit, krylovAbove, krylovTolerance,
                krylovRestart, krylovMaxProducts);
    }

    public NewtonOptions withMinStep(double t) {
        return new NewtonOptions(armijo, t, maxCondition, polishSteps, denseLimit, krylovAbove, krylovTolerance,
                krylovRestart, krylovMaxProducts);
    }

    public NewtonOptions withMaxCondition(double kappa) {
        return new NewtonOptions(armijo, minStep, kappa, polishSteps, denseLimit, krylovAbove, krylovTolerance,
                krylovRestart, krylovMaxProducts);
    }

    public NewtonOptions withDenseLimit(int unknowns) {
        return new NewtonOptions(armijo, minStep, maxCondition, polishSteps, unknowns, krylovAbove, krylovTolerance,
                krylovRestart, krylovMaxProducts);
    }

    public NewtonOptions withPolishSteps(int steps) {
        return new NewtonOptions(armijo, minStep, maxCondition, steps, denseLimit, krylovAbove, krylovTolerance,
                krylovRestart, krylovMaxProducts);
    }

    public NewtonOptions withKrylovAbove(int unknowns) {
        return new NewtonOptions(armijo, minStep, maxCondition, polishSteps, denseLimit, unknowns, krylovTolerance,
                krylovRestart, krylovMaxProducts);
    }

    public NewtonOptions withKrylovTolerance(double relative) {
        return new NewtonOptions(armijo, minStep, maxCondition, polishSteps, denseLimit, krylovAbove, relative,
                krylovRestart, krylovMaxProducts);
    }
}
