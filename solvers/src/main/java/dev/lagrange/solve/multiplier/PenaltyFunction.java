package dev.lagrange.solve.multiplier;

import dev.lagrange.program.Program;

/**
 * The program's augmented Lagrangian with the inputs fixed, as a function of z:
 * <pre>
 *   phi(z) = -w.z + sum_i lambda_i c_i + (rho/2) sum_i c_i^2,   c_i = z_i - f_i(z_alpha(i)),
 *   grad phi = -w + mu - J(z)^T mu,                              mu = lambda + rho c,
 * </pre>
 * (the input constraints {@code c = z - x} included, so their multipliers become the gradient). Its
 * stationarity at z is the multiplier equations at {@code (z, mu)}, which is why
 * {@code lambda <- lambda + rho c} is the multiplier step. O(n + edges) per evaluation. Reference:
 * Nocedal and Wright, Numerical Optimization, section 17.3.
 */
final class PenaltyFunction {
    final Program program;
    final double[] x;
    final double[] w;
    final double[] lambda;
    private final ResidualBalancing balancing;
    double rho;
    /** Balancing may lower rho, but not below the starting rho or one at which a subproblem failed. */
    private double floor;

    /**
     * At lambda = 0. @param x Not modified. @param w Not modified.
     */
    PenaltyFunction(Program program, double[] x, double[] w, double rho, ResidualBalancing balancing) {
        this.program = program;
        this.x = x;
        this.w = w;
        this.lambda = new double[w.length];
        this.rho = rho;
        this.floor = rho;
        this.balancing = balancing;
    }

    /**
     * After a subproblem without a nearby minimum (rho too small: phi runs off along negative
     * curvature): restores z and multiplies rho by tau^2, which becomes the floor.
     *
     * @param previous Not modified. @param z Modified: set to previous.
     */
    void backOff(double[] previous, double[] z) {
        System.arraycopy(previous, 0, z, 0, z.length);
        rho *= balancing.tau() * balancing.tau();
        floor = rho;
    }

    /** Residual balancing of the primal residual r against the dual residual s, above the floor. */
    void balance(double r, double s) {
        rho = Math.max(floor, balancing.next(rho, r, s));
    }

    /** phi(z), and its gradient into g. @param z Not modified. @param g Modified. */
    double valueAndGradient(double[] z, double[] g) {
        int n = z.length;
        double[] c = new double[n];
        LocalJacobian.constraints(program, x, z, c);
        double[] mu = new double[n];
        double value = 0;
        for (int j = 0; j < n; j++) {
            mu[j] = lambda[j] + rho * c[j];
            value += -w[j] * z[j] + lambda[j] * c[j] + 0.5 * rho * c[j] * c[j];
            g[j] = mu[j] - w[j];
        }
        double[] jt = new double[n];
        LocalJacobian.at(program, z).addTransposeTimes(mu, jt);
        for (int j = 0; j < n; j++) {
            g[j] -= jt[j];
        }
        return value;
    }

    /** {@code lambda <- lambda + rho c(z)}; returns c (a new array). @param z Not modified. */
    double[] multiplierStep(double[] z) {
        double[] c = new double[z.length];
        LocalJacobian.constraints(program, x, z, c);
        for (int j = 0; j < c.length; j++) {
            lambda[j] += rho * c[j];
        }
        return c;
    }
}
