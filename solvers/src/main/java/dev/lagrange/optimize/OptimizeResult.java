package dev.lagrange.optimize;

import java.util.List;

/**
 * Where an optimisation ended and how it got there: the status and a message, the point
 * {@code x} (the free inputs), the objective's value and gradient there, the iterations and the
 * objective evaluations (program solves) spent, and, when asked for, one {@link Iterate} per
 * iteration. Arrays are copies taken on construction; the accessors return them as they are, so
 * treat them as read-only.
 *
 * @param method the optimiser, e.g. {@code "gradient-descent"}, {@code "conjugate-gradient"}
 * @param gradient d(objective)/dx at {@code x} (a derivative-free method gets it from one last solve);
 *     NaNs where the program has no solution there
 * @param history empty unless the options asked for it
 */
public record OptimizeResult(OptimizeStatus status, String message, String method, double[] x, double value,
        double[] gradient, int iterations, int evaluations, List<Iterate> history) {
    public OptimizeResult {
        x = x.clone();
        gradient = gradient.clone();
        history = List.copyOf(history);
    }

    /**
     * One iteration: the objective and the gradient's max-norm at its start, and the accepted step
     * length along the search direction (0 where none was accepted).
     */
    public record Iterate(int iteration, double value, double gradientNorm, double step) {
    }

    public boolean isConverged() {
        return status == OptimizeStatus.CONVERGED;
    }

    /** This result if it converged; otherwise an {@link OptimizeException} carrying it. */
    public OptimizeResult orThrow() {
        if (!isConverged()) {
            throw new OptimizeException(this);
        }
        return this;
    }

    /** {@code ||gradient||_inf}; NaN where there is no gradient. */
    public double gradientNorm() {
        return OptimizeOps.maxNorm(gradient);
    }
}
