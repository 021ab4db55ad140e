package dev.lagrange.solve.admm;

/**
 * The output loss l(z, y) for labels y in {0, 1}, its subgradient, and the closed-form output step
 * of Taylor et al.: z = argmin l(z, y) + lambda z + beta (z - m)^2, one scalar per sample.
 * A sample is predicted as class 1 when z > 1/2.
 */
public enum Loss {
    /**
     * Taylor et al.'s binary hinge loss: l(z, 1) = max(1 - z, 0), l(z, 0) = max(z, 0).
     *
     * <p>Output step, derived piecewise (the objective is convex, so the first valid piece wins).
     * For y = 1: on z > 1 the stationary point is z+ = m - lambda / (2 beta), on z < 1 it is
     * z- = z+ + 1 / (2 beta); take z+ if z+ > 1, else z- if z- < 1, else the kink z = 1 (where
     * 0 lies in the subdifferential [-1, 0] + lambda + 2 beta (1 - m)). For y = 0: on z < 0 the
     * stationary point is z- = m - lambda / (2 beta), on z > 0 it is z+ = z- - 1 / (2 beta); take
     * z+ if z+ > 0, else z- if z- < 0, else the kink z = 0.
     */
    HINGE {
        @Override public double value(double z, double y) {
            return y == 1 ? Math.max(1 - z, 0) : Math.max(z, 0);
        }

        @Override public double derivative(double z, double y) {
            return y == 1 ? (z < 1 ? -1 : 0) : (z > 0 ? 1 : 0);
        }

        @Override public double outputStep(double m, double lambda, double beta, double y) {
            double flat = m - lambda / (2 * beta);
            if (y == 1) {
                double below = flat + 1 / (2 * beta);
                return flat > 1 ? flat : below < 1 ? below : 1;
            }
            double above = flat - 1 / (2 * beta);
            return above > 0 ? above : flat < 0 ? flat : 0;
        }
    },
    /**
     * Least squares l(z, y) = (z - y)^2. Output step: setting 2 (z - y) + lambda + 2 beta (z - m)
     * to zero gives z = (2 y - lambda + 2 beta m) / (2 + 2 beta).
     */
    LEAST_SQUARES {
        @Override public double value(double z, double y) {
            return (z - y) * (z - y);
        }

        @Override public double derivative(double z, double y) {
            return 2 * (z - y);
        }

        @Override public double outputStep(double m, double lambda, double beta, double y) {
            return (2 * y - lambda + 2 * beta * m) / (2 + 2 * beta);
        }
    };

    /** l(z, y). */
    public abstract double value(double z, double y);

    /** dl/dz, or the subgradient 0 at a kink. */
    public abstract double derivative(double z, double y);

    /** argmin over z of l(z, y) + lambda z + beta (z - m)^2 (beta > 0). */
    public abstract double outputStep(double m, double lambda, double beta, double y);
}
