package dev.lagrange.solve;

/**
 * Options shared by the solvers, validated on construction; {@code with...} returns a copy.
 *
 * @param tolerance the max-norm residual below which a constraint system counts as solved
 * @param maxIterations the iteration limit of iterative methods
 * @param recordHistory whether iterative methods keep their residual after every iteration
 */
public record SolveOptions(double tolerance, int maxIterations, boolean recordHistory) {
    public SolveOptions {
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be positive: " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be at least 1: " + maxIterations);
        }
    }

    /** Tolerance 1e-10, 100 iterations, no history. */
    public static SolveOptions defaults() {
        return new SolveOptions(1e-10, 100, false);
    }

    public SolveOptions withTolerance(double t) {
        return new SolveOptions(t, maxIterations, recordHistory);
    }

    public SolveOptions withMaxIterations(int m) {
        return new SolveOptions(tolerance, m, recordHistory);
    }

    public SolveOptions withHistory(boolean record) {
        return new SolveOptions(tolerance, maxIterations, record);
    }
}
