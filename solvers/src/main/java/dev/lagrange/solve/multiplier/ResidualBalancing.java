package dev.lagrange.solve.multiplier;

/**
 * Penalty adaptation by residual balancing: {@code rho <- tau rho} when the primal residual exceeds
 * mu times the dual one, {@code rho <- rho / tau} in the opposite case, else unchanged. Keeping the
 * two residuals within a factor mu of each other makes the penalty methods less sensitive to the
 * starting rho. A method in scaled form must rescale its scaled multiplier u = lambda / rho when rho
 * changes (the unscaled lambda is unchanged). Reference: S. Boyd et al., Distributed Optimization and
 * Statistical Learning via ADMM, Found. Trends Mach. Learn. 3(1), 2011, section 3.4.1 (eq. 3.13).
 *
 * @param mu the imbalance that triggers a change, greater than 1 (infinite: never change rho)
 * @param tau the factor rho is multiplied or divided by, greater than 1
 */
public record ResidualBalancing(double mu, double tau) {
    public ResidualBalancing {
        if (!(mu > 1) || !(tau > 1)) {
            throw new IllegalArgumentException("residual balancing needs mu > 1 and tau > 1: mu " + mu + ", tau " + tau);
        }
    }

    /** Boyd et al.'s mu = 10, tau = 2. */
    public static ResidualBalancing boyd() {
        return new ResidualBalancing(10, 2);
    }

    /** A rule that never changes rho. */
    public static ResidualBalancing fixed() {
        return new ResidualBalancing(Double.POSITIVE_INFINITY, 2);
    }

    /** The next rho given the primal residual r and the dual residual s (2-norms). */
    public double next(double rho, double r, double s) {
        if (r > mu * s) {
            return rho * tau;
        }
        if (s > mu * r) {
            return rho / tau;
        }
        return rho;
    }
}
