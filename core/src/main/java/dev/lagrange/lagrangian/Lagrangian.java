package dev.lagrange.lagrangian;

import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import dev.lagrange.program.VectorKernels;

/**
 * The Lagrangian of a constraint program,
 * <pre>
 *   L(x, z, lambda) = w . z_out - sum_i lambda_i (z_i - f_i(z_alpha(i))),
 * </pre>
 * where the sum runs over every node, the input constraints {@code z_i = x_i} included, and
 * {@code w . z_out} is the objective {@code z_n} (or a weighted sum of the outputs). It can be
 * evaluated at any point, feasible or not, with its gradients
 * <pre>
 *   dL/dlambda_i = -(z_i - f_i(z_alpha(i)))                                   (the constraints)
 *   dL/dz_j      = w_j - lambda_j + sum_{i in beta(j)} lambda_i df_i/dz_j     (the multiplier equations)
 *   dL/dx_k      = lambda_k                                                   (the gradient, at a KKT point)
 * </pre>
 * A point is a KKT point when both residual norms vanish. Each evaluation is O(n + edges).
 */
public final class Lagrangian {
    private final Program program;
    private final double[] seed;

    private Lagrangian(Program program, double[] seed) {
        this.program = program;
        this.seed = seed;
    }

    /** The Lagrangian whose objective is the program's first output, {@code z_n}. */
    public static Lagrangian of(Program program) {
        double[] w = new double[program.outputCount()];
        w[0] = 1;
        return withOutputWeights(program, w);
    }

    /** The Lagrangian of the objective {@code sum_k w_k z_out(k)}: a seed over the outputs. */
    public static Lagrangian withOutputWeights(Program program, double[] w) {
        if (w.length != program.outputCount()) {
            throw new IllegalArgumentException("expected " + program.outputCount() + " output weights, got " + w.length);
        }
        double[] seed = new double[program.slotCount()];
        for (int k = 0; k < w.length; k++) {
            seed[program.slot(program.output(k))] += w[k];
        }
        return new Lagrangian(program, seed);
    }

    public Program program() {
        return program;
    }

    /**
     * The seed {@code w} spread over value slots: {@code dL/dz = w} where no constraint acts (a new
     * array).
     */
    public double[] seed() {
        return seed.clone();
    }

    /** L at (x, z, lambda). Arrays are not modified. */
    public double value(double[] x, double[] z, double[] lambda) {
        check(x, z, lambda);
        double objective = 0;
        for (int s = 0; s < seed.length; s++) {
            objective += seed[s] * z[s];
        }
        double penalty = 0;
        double[] f = vectorScratch();
        for (int i = 0; i < program.size(); i++) {
            int s = program.slot(i);
            if (program.isVector(i)) {
                VectorKernels.constraintValues(program, i, x, z, f, 0);
                for (int k = 0, w = program.width(i); k < w; k++) {
                    penalty += lambda[s + k] == 0 ? 0 : lambda[s + k] * (z[s + k] - f[k]);
                }
                continue;
            }
            double li = lambda[s];
            if (li != 0) {
                penalty += li * (z[s] - Sweeps.constraintValue(program, i, x, z));
            }
        }
        return objective - penalty;
    }

    /** The three gradients of L at (x, z, lambda). Arrays are not modified. */
    public Gradient gradient(double[] x, double[] z, double[] lambda) {
        check(x, z, lambda);
        int n = program.size();
        double[] dlambda = new double[z.length];
        double[] f = vectorScratch();
        for (int i = 0; i < n; i++) {
            int s = program.slot(i);
            if (program.isVector(i)) {
                VectorKernels.constraintValues(program, i, x, z, f, 0);
                for (int k = 0, w = program.width(i); k < w; k++) {
                    dlambda[s + k] = -(z[s + k] - f[k]);
                }
                continue;
            }
            dlambda[s] = -(z[s] - Sweeps.constraintValue(program, i, x, z));
        }
        double[] dz = seed.clone();
        for (int s = 0; s < dz.length; s++) {
            dz[s] -= lambda[s];
        }
        addLocalTranspose(x, z, lambda, dz);
        double[] dx = new double[x.length];
        for (int k = 0; k < dx.length; k++) {
            dx[k] = lambda[program.inputSlot(k)];
        }
        return new Gradient(dx, dz, dlambda);
    }

    /**
     * {@code dz += J^T lambda} for the local Jacobian {@code J = df/dz}, every partial taken at
     * {@code f_i(z_alpha(i))}: the point need not be feasible, so z_i may differ from f_i (the
     * reverse sweep reads partials such as exp' = exp off z_i, which is exact only at feasible points).
     */
    private void addLocalTranspose(double[] x, double[] z, double[] lambda, double[] dz) {
        int[] argSlots = new int[2];
        double[] dfdz = new double[2];
        double[] f = vectorScratch();
        for (int i = 0; i < program.size(); i++) {
            if (program.isVector(i)) {
                // A vector node's multipliers are a vector: J_i^T lambda_i with partials at f_i.
                VectorKernels.constraintValues(program, i, x, z, f, 0);
                VectorKernels.addTransposed(program, i, z, f, 0, lambda, dz);
                continue;
            }
            double li = lambda[program.slot(i)];
            if (li == 0) {
                continue;
            }
            if (program.arity(i) > argSlots.length) {
                argSlots = new int[program.arity(i)];
                dfdz = new double[program.arity(i)];
            }
            int arity = Sweeps.localPartials(program, i, z, argSlots, dfdz);
            for (int k = 0; k < arity; k++) {
                dz[argSlots[k]] += li * dfdz[k];
            }
        }
    }

    /** A buffer for the values of the widest vector node. */
    private double[] vectorScratch() {
        int widest = 0;
        for (int i = 0; i < program.size(); i++) {
            widest = Math.max(widest, program.width(i));
        }
        return new double[widest];
    }

    /** The residual norms at (x, z, lambda): how far the point is from satisfying grad L = 0. */
    public Residuals residuals(double[] x, double[] z, double[] lambda) {
        Gradient g = gradient(x, z, lambda);
        int worstConstraint = argMaxAbs(g.lambda());
        int worstMultiplier = argMaxAbs(g.z());
        return new Residuals(
                worstConstraint < 0 ? 0 : Math.abs(g.lambda()[worstConstraint]),
                worstMultiplier < 0 ? 0 : Math.abs(g.z()[worstMultiplier]),
                worstConstraint < 0 ? -1 : program.nodeOf(worstConstraint),
                worstMultiplier < 0 ? -1 : program.nodeOf(worstMultiplier));
    }

    private static int argMaxAbs(double[] v) {
        int worst = -1;
        double max = -1;
        for (int s = 0; s < v.length; s++) {
            double a = Math.abs(v[s]);
            if (!(a <= max)) { // NaN wins, so that a non-finite residual is reported
                max = a;
                worst = s;
                if (Double.isNaN(a)) {
                    break;
                }
            }
        }
        return worst;
    }

    private void check(double[] x, double[] z, double[] lambda) {
        if (x.length != program.inputCount() || z.length != program.slotCount() || lambda.length != program.slotCount()) {
            throw new IllegalArgumentException("expected x[" + program.inputCount() + "], z[" + program.slotCount()
                    + "], lambda[" + program.slotCount() + "]; got x[" + x.length + "], z[" + z.length
                    + "], lambda[" + lambda.length + "]");
        }
    }

    /**
     * The gradient of L: {@code x} (d entries), {@code z} and {@code lambda} (one per value slot).
     */
    public record Gradient(double[] x, double[] z, double[] lambda) {
    }

    /**
     * Residual norms: {@code constraints = max_i |z_i - f_i(z_alpha(i))|} (primal feasibility) and
     * {@code multipliers = max_j |dL/dz_j|} (stationarity), with the nodes where the maxima occur
     * (-1 for an empty program).
     */
    public record Residuals(double constraints, double multipliers, int worstConstraint, int worstMultiplier) {
        /** The larger of the two norms. */
        public double max() {
            return Double.isNaN(constraints) || Double.isNaN(multipliers) ? Double.NaN : Math.max(constraints, multipliers);
        }
    }
}
