package dev.lagrange.program;

import dev.lagrange.primitive.Primitive;

/**
 * Second derivatives of a program's objective by forward-over-reverse on the flat arrays: a tangent
 * sweep {@code zdot = (dz/dx) v}, then one reverse sweep carrying the multipliers lambda and their
 * tangents (the second-order adjoints)
 * <pre>
 *   lambda_j    += lambda_i d_k f_i
 *   lambdadot_j += lambdadot_i d_k f_i + lambda_i sum_m (d_k d_m f_i) zdot_{alpha_m(i)}
 * </pre>
 * for each argument j = alpha_k(i), last node first, from {@code lambda_n = 1, lambdadot_n = 0}; then
 * {@code H v = lambdadot} at the inputs. The first and second partials are the primitives' own
 * ({@link Primitive#partialA}, {@link Primitive#secondPartials}). Cost: about three sweeps per product,
 * O(n + edges), no new program and nothing allocated per node beyond four arrays of the slot count.
 *
 * <p>This first slice covers acyclic programs of scalar nodes; a program with vector nodes or cyclic
 * blocks is refused with a message (second-order rules for vector primitives and second-order
 * implicit differentiation come next). Reference: Griewank and Walther, <i>Evaluating
 * Derivatives</i>, 2nd ed., SIAM 2008, section 5.3 (second-order adjoints).
 */
public final class SecondOrder {
    private final Program program;

    private SecondOrder(Program program) {
        this.program = program;
    }

    /**
     * The second-order sweeps of {@code program}.
     *
     * @throws UnsupportedOperationException for a program with vector nodes or cyclic blocks
     */
    public static SecondOrder of(Program program) {
        if (!program.isAcyclic()) {
            throw new UnsupportedOperationException("Hessian-vector products of cyclic programs are not supported yet");
        }
        for (int i = 0; i < program.size(); i++) {
            if (program.isVector(i)) {
                throw new UnsupportedOperationException("Hessian-vector products of vector nodes are not supported yet ('"
                        + program.label(i) + "')");
            }
        }
        return new SecondOrder(program);
    }

    /**
     * The Hessian of the objective at x times v.
     *
     * @param x Not modified: the inputs.
     * @param v Not modified: the direction, one entry per input.
     */
    public double[] hessianTimes(double[] x, double[] v) {
        double[] w = new double[program.outputCount()];
        w[0] = 1;
        return hessianTimes(x, v, w);
    }

    /**
     * {@code sum_k w_k (d^2 y_k / dx^2) v} for the program's outputs y_k: the vector-Hessian-vector
     * product of a program with several outputs ({@code w = e_1} is {@link #hessianTimes(double[], double[])}).
     *
     * @param x Not modified: the inputs.
     * @param v Not modified: the direction, one entry per input.
     * @param w Not modified: a weight per output.
     */
    public double[] hessianTimes(double[] x, double[] v, double[] w) {
        Program p = program;
        int d = p.inputCount();
        if (x.length != d || v.length != d) {
            throw new IllegalArgumentException("expected " + d + " inputs and directions, got " + x.length + " and "
                    + v.length);
        }
        if (w.length != p.outputCount()) {
            throw new IllegalArgumentException("expected a weight for each of the " + p.outputCount() + " outputs, got "
                    + w.length);
        }
        int n = p.size();
        double[] z = new double[n];
        Sweeps.forward(p, x, z);
        double[] zdot = new double[n];
        Sweeps.tangent(p, z, v, zdot);
        double[] lambda = new double[n];
        double[] lambdaDot = new double[n];
        for (int k = 0; k < w.length; k++) {
            lambda[p.output(k)] += w[k];
        }
        for (int i = n - 1; i >= 0; i--) {
            double li = lambda[i];
            double ldi = lambdaDot[i];
            if (li == 0 && ldi == 0) {
                continue;
            }
            Primitive f = p.primitive(i);
            int[] a = p.arguments(i);
            double[] c = p.parameters(i);
            switch (f) {
                case INPUT, CONSTANT -> { }
                case WEIGHTED_SUM -> {
                    for (int k = 0; k < a.length; k++) {
                        lambda[a[k]] += li * c[k + 1];
                        lambdaDot[a[k]] += ldi * c[k + 1];
                    }
                }
                default -> {
                    double q = c.length > 0 ? c[0] : 0;
                    double za = z[a[0]];
                    double zb = a.length > 1 ? z[a[1]] : 0;
                    double zi = z[i];
                    double da = f.partialA(za, zb, q, zi);
                    double ta = zdot[a[0]];
                    if (a.length == 1) {
                        lambda[a[0]] += times(li, da);
                        lambdaDot[a[0]] += times(ldi, da) + times(li, times(ta, f.partialAA(za, zb, q, zi)));
                    } else {
                        double db = f.partialB(za, zb, q, zi);
                        double tb = zdot[a[1]];
                        double aa = f.partialAA(za, zb, q, zi);
                        double ab = f.partialAB(za, zb, q, zi);
                        double bb = f.partialBB(za, zb, q, zi);
                        lambda[a[0]] += times(li, da);
                        lambda[a[1]] += times(li, db);
                        lambdaDot[a[0]] += times(ldi, da) + times(li, times(ta, aa) + times(tb, ab));
                        lambdaDot[a[1]] += times(ldi, db) + times(li, times(ta, ab) + times(tb, bb));
                    }
                }
            }
        }
        double[] hv = new double[d];
        for (int k = 0; k < d; k++) {
            hv[k] = lambdaDot[p.inputSlot(k)];
        }
        return hv;
    }

    /**
     * The Lagrangian's Hessian in z times u at any (z, lambda), feasible or not: with
     * {@code L = z_n - sum_i lambda_i (z_i - f_i(z_alpha(i)))}, {@code d^2 L / dz^2 = sum_i lambda_i
     * d^2 f_i}, a sum of the nonlinear nodes' second partials; matrix-free, O(n + edges).
     *
     * @param z Not modified: a value per node.
     * @param lambda Not modified: a multiplier per node.
     * @param u Not modified: the direction, a value per node.
     */
    public double[] lagrangianHessianTimes(double[] z, double[] lambda, double[] u) {
        Program p = program;
        int n = p.size();
        if (z.length != n || lambda.length != n || u.length != n) {
            throw new IllegalArgumentException("expected z, lambda and u of " + n + " entries, got " + z.length + ", "
                    + lambda.length + " and " + u.length);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double li = lambda[i];
            Primitive f = p.primitive(i);
            if (li == 0 || f == Primitive.INPUT || f == Primitive.CONSTANT || f == Primitive.WEIGHTED_SUM) {
                continue;
            }
            int[] a = p.arguments(i);
            double[] c = p.parameters(i);
            double q = c.length > 0 ? c[0] : 0;
            double za = z[a[0]];
            double zb = a.length > 1 ? z[a[1]] : 0;
            // The partials may read the value f_i (exp'' = exp): recomputed, since z_i need not equal
            // f_i away from a solution (as Sweeps.localPartials does).
            double fi = f.value(za, zb, q);
            double aa = f.partialAA(za, zb, q, fi);
            if (a.length == 1) {
                out[a[0]] += times(li, times(u[a[0]], aa));
            } else {
                double ab = f.partialAB(za, zb, q, fi);
                double bb = f.partialBB(za, zb, q, fi);
                out[a[0]] += times(li, times(u[a[0]], aa) + times(u[a[1]], ab));
                out[a[1]] += times(li, times(u[a[0]], ab) + times(u[a[1]], bb));
            }
        }
        return out;
    }

    /** The dense Hessian of the objective at x, by one product per input; symmetric up to rounding. */
    public double[][] hessian(double[] x) {
        int d = program.inputCount();
        double[][] h = new double[d][];
        double[] e = new double[d];
        for (int k = 0; k < d; k++) {
            e[k] = 1;
            h[k] = hessianTimes(x, e);
            e[k] = 0;
        }
        return h;
    }

    /** {@code t * d}, 0 when t is 0 even if d is not finite (as the first-order sweeps do). */
    private static double times(double t, double d) {
        return t == 0 ? 0 : t * d;
    }
}
