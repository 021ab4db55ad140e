package dev.lagrange.program;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;

/**
 * Second derivatives of a program's objective by forward-over-reverse on the flat arrays: a tangent
 * sweep {@code zdot = (dz/dx) v}, back-substitution for the multipliers lambda ({@link Sweeps#reverse}),
 * then one reverse sweep carrying their tangents (the second-order adjoints)
 * <pre>
 *   lambda_j    += lambda_i d_k f_i
 *   lambdadot_j += lambdadot_i d_k f_i + lambda_i sum_m (d_k d_m f_i) zdot_{alpha_m(i)}
 * </pre>
 * for each argument j = alpha_k(i), last node first, from {@code lambda_n = 1, lambdadot_n = 0}; then
 * {@code H v = lambdadot} at the inputs. The first and second partials are the primitives' own
 ({@link Primitive#partialA}, {@link Primitive#partialAA}; for vector nodes
 * {@link VectorPrimitive#secondOrderVjp}, declared beside each primitive's VJP). Cost: four sweeps
 * per product (forward, tangent, reverse, second-order reverse), O(n + edges), no new program and
 * nothing allocated per node beyond four arrays of the slot count.
 *
 * <p>Acyclic programs; through cyclic blocks the same sweeps run per segment, with transposed solves
 * for the blocks, in {@code dev.lagrange.solve.ImplicitHessian}. Reference: Griewank and Walther, <i>Evaluating Derivatives</i>, 2nd ed., SIAM
 * 2008, section 5.3 (second-order adjoints).
 */
public final class SecondOrder {
    private final Program program;

    private SecondOrder(Program program) {
        this.program = program;
    }

    /**
     * The second-order sweeps of {@code program}.
     *
     * @throws UnsupportedOperationException for a program with cyclic blocks
     */
    public static SecondOrder of(Program program) {
        if (!program.isAcyclic()) {
            throw new UnsupportedOperationException("the Hessian of a program with cyclic blocks needs their solution: "
                    + "use dev.lagrange.solve.ImplicitHessian");
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
        int slots = p.slotCount();
        double[] z = new double[slots];
        Sweeps.forward(p, x, z);
        double[] zdot = new double[slots];
        Sweeps.tangent(p, z, v, zdot);
        double[] lambda = new double[slots];
        double[] lambdaDot = new double[slots];
        for (int k = 0; k < w.length; k++) {
            lambda[p.slot(p.output(k))] += w[k];
        }
        Sweeps.reverse(p, z, lambda, lambda, 0, n); // the first-order multipliers: back-substitution
        reverse(p, z, zdot, lambda, lambdaDot, 0, n);
        double[] hv = new double[d];
        for (int k = 0; k < d; k++) {
            hv[k] = lambdaDot[p.inputSlot(k)];
        }
        return hv;
    }

    /**
     * The second-order reverse sweep over the acyclic nodes {@code [from, to)}, last node first:
     * {@code lambdaDot_j += lambdaDot_i d_k f_i + lambda_i sum_m (d_k d_m f_i) zdot_m} for each
     * argument j = alpha_k(i). Run over the whole of an acyclic program it leaves {@code H v} at the
     * inputs; a cyclic block's nodes take {@link #addSecondOrderTerm} and a transposed solve instead.
     *
     * @param z Not modified: the values.
     * @param zdot Not modified: the tangents {@code (dz/dx) v}.
     * @param lambda Not modified: the first-order multipliers.
     * @param lambdaDot Modified: the second-order multipliers.
     */
    public static void reverse(Program p, double[] z, double[] zdot, double[] lambda, double[] lambdaDot, int from,
            int to) {
        for (int i = to - 1; i >= from; i--) {
            if (p.isVector(i)) {
                vectorTerm(p, i, z, zdot, lambda, lambdaDot);
                VectorKernels.reverse(p, i, z, lambdaDot, lambdaDot);
                continue;
            }
            int si = p.slot(i);
            double li = lambda[si];
            double ldi = lambdaDot[si];
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
                        lambdaDot[p.slot(a[k])] += ldi * c[k + 1];
                    }
                }
                default -> {
                    double q = c.length > 0 ? c[0] : 0;
                    int sa = p.slot(a[0]);
                    int sb = a.length > 1 ? p.slot(a[1]) : sa;
                    double za = z[sa];
                    double zb = a.length > 1 ? z[sb] : 0;
                    lambdaDot[sa] += times(ldi, f.partialA(za, zb, q, z[si]));
                    if (a.length > 1) {
                        lambdaDot[sb] += times(ldi, f.partialB(za, zb, q, z[si]));
                    }
                    scalarTerm(f, a.length, sa, sb, si, q, z, zdot, li, lambdaDot);
                }
            }
        }
    }

    /**
     * Adds node i's second-order term {@code lambda_i (d^2 f_i)[zdot]} to {@code out} at its
     * arguments' slots: {@code out_j += lambda_i sum_m (d_j d_m f_i) zdot_m}, entry by entry for a
     * vector node. Nothing else: the first-order part {@code lambdaDot_i d f_i} is the caller's.
     *
     * @param z Not modified.
     * @param zdot Not modified.
     * @param lambda Not modified.
     * @param out Modified at node i's arguments.
     */
    public static void addSecondOrderTerm(Program p, int i, double[] z, double[] zdot, double[] lambda, double[] out) {
        if (p.isVector(i)) {
            vectorTerm(p, i, z, zdot, lambda, out);
            return;
        }
        Primitive f = p.primitive(i);
        int si = p.slot(i);
        double li = lambda[si];
        if (li == 0 || f == Primitive.INPUT || f == Primitive.CONSTANT || f == Primitive.WEIGHTED_SUM) {
            return;
        }
        int[] a = p.arguments(i);
        double[] c = p.parameters(i);
        int sa = p.slot(a[0]);
        scalarTerm(f, a.length, sa, a.length > 1 ? p.slot(a[1]) : sa, si, c.length > 0 ? c[0] : 0, z, zdot, li, out);
    }

    /** {@code out += li (d^2 f)[zdot]} at the arguments' slots sa (and sb) of a scalar node at slot si. */
    private static void scalarTerm(Primitive f, int arity, int sa, int sb, int si, double q, double[] z, double[] zdot,
            double li, double[] out) {
        scalarTermAt(f, arity, sa, sb, z[si], q, z, zdot, li, out);
    }

    /** {@link #scalarTerm} with the node's value {@code zi} given. */
    private static void scalarTermAt(Primitive f, int arity, int sa, int sb, double zi, double q, double[] z,
            double[] zdot, double li, double[] out) {
        if (li == 0) {
            return;
        }
        double za = z[sa];
        double zb = arity > 1 ? z[sb] : 0;
        double ta = zdot[sa];
        if (arity == 1) {
            out[sa] += times(li, times(ta, f.partialAA(za, zb, q, zi)));
            return;
        }
        double tb = zdot[sb];
        double ab = f.partialAB(za, zb, q, zi);
        out[sa] += times(li, times(ta, f.partialAA(za, zb, q, zi)) + times(tb, ab));
        out[sb] += times(li, times(ta, ab) + times(tb, f.partialBB(za, zb, q, zi)));
    }

    /**
     * The Lagrangian's Hessian in z times u at any (z, lambda), feasible or not: with
     * {@code L = z_n - sum_i lambda_i (z_i - f_i(z_alpha(i)))}, {@code d^2 L / dz^2 = sum_i lambda_i
     * d^2 f_i}, a sum of the nonlinear nodes' second partials; matrix-free, O(n + edges). The
     * partials are taken at {@code f_i(z_alpha(i))}, not at z_i (the two differ away from a solution).
     *
     * @param z Not modified: a value per slot.
     * @param lambda Not modified: a multiplier per slot.
     * @param u Not modified: the direction, a value per slot.
     */
    public double[] lagrangianHessianTimes(double[] z, double[] lambda, double[] u) {
        Program p = program;
        int slots = p.slotCount();
        if (z.length != slots || lambda.length != slots || u.length != slots) {
            throw new IllegalArgumentException("expected z, lambda and u of " + slots + " entries, got " + z.length
                    + ", " + lambda.length + " and " + u.length);
        }
        int widest = 1;
        for (int i = 0; i < p.size(); i++) {
            widest = Math.max(widest, p.width(i));
        }
        double[] out = new double[slots];
        double[] f = new double[widest];
        double[] t = java.util.Arrays.copyOf(u, slots + widest); // u, then the node's own tangent J u_args
        for (int i = 0; i < p.size(); i++) {
            int s = p.slot(i);
            if (p.isVector(i)) {
                VectorPrimitive g = p.vectorPrimitive(i);
                if (g == VectorPrimitive.INPUT || g == VectorPrimitive.STACK) {
                    continue; // linear
                }
                int[] args = p.arguments(i);
                int a = p.slot(args[0]);
                int b = args.length > 1 ? p.slot(args[1]) : a;
                VectorKernels.constraintValues(p, i, null, z, f, 0);
                g.jvp(z, a, b, p.params, p.paramStart[i], f, 0, t, a, b, t, slots);
                g.secondOrderVjp(z, a, b, p.params, p.paramStart[i], f, 0, t, a, b, slots, lambda, s, out, a, b);
                continue;
            }
            Primitive g = p.primitive(i);
            if (lambda[s] == 0 || g == Primitive.INPUT || g == Primitive.CONSTANT || g == Primitive.WEIGHTED_SUM) {
                continue;
            }
            int[] a = p.arguments(i);
            double[] c = p.parameters(i);
            double q = c.length > 0 ? c[0] : 0;
            int sa = p.slot(a[0]);
            int sb = a.length > 1 ? p.slot(a[1]) : sa;
            // The partials may read the value f_i (exp'' = exp): recomputed, as Sweeps.localPartials does.
            f[0] = g.value(z[sa], a.length > 1 ? z[sb] : 0, q);
            scalarTermAt(g, a.length, sa, sb, f[0], q, z, u, lambda[s], out);
        }
        return out;
    }

    /**
     * The reduced Hessian {@code Z^T W Z v} with {@code Z = dz/dx} (the tangent map) and {@code W}
     * the Lagrangian's Hessian at the multipliers {@code lambda}: the Hessian of the objective over
     * the inputs when lambda are its adjoints ({@link #hessianTimes}, by another route), and the
     * curvature of the Lagrangian along the constraints' tangent space for any other lambda.
     * Three sweeps: tangent, {@link #lagrangianHessianTimes}, back-substitution of the result.
     *
     * @param x Not modified: the inputs (z is their forward pass).
     * @param lambda Not modified: a multiplier per slot.
     * @param v Not modified: one entry per input.
     */
    public double[] reducedHessianTimes(double[] x, double[] lambda, double[] v) {
        Program p = program;
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, x, z);
        double[] zdot = new double[p.slotCount()];
        Sweeps.tangent(p, z, v, zdot);
        double[] w = lagrangianHessianTimes(z, lambda, zdot);
        Sweeps.reverse(p, z, w, w, 0, p.size()); // Z^T w: back-substitution seeded with w
        double[] out = new double[p.inputCount()];
        for (int k = 0; k < out.length; k++) {
            out[k] = w[p.inputSlot(k)];
        }
        return out;
    }

    /**
     * The nodes at a kink for values z (the forward pass, or a solution): where a primitive is not
     * twice differentiable ({@link Primitive#kink}: abs or relu at 0, a tie of max or min, entry by
     * entry for maps and zips) and a Hessian uses one-sided values. Each line names the node, the
     * entry and the argument values, and says which values are used. Empty when there are none.
     *
     * @param z Not modified: a value per slot.
     */
    public static java.util.List<String> kinks(Program p, double[] z) {
        java.util.List<String> found = new java.util.ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            int[] args = p.arguments(i);
            if (p.isVector(i)) {
                VectorPrimitive g = p.vectorPrimitive(i);
                if (g != VectorPrimitive.MAP && g != VectorPrimitive.ZIP) {
                    continue;
                }
                double[] c = p.parameters(i);
                Primitive f = VectorPrimitive.scalar(c, 0);
                int a = p.slot(args[0]);
                int b = args.length > 1 ? p.slot(args[1]) : a;
                for (int k = 0, w = (int) c[0]; k < w; k++) {
                    double za = z[a + k];
                    double zb = g == VectorPrimitive.ZIP ? z[b + k] : 0;
                    String why = f.kink(za, zb, g == VectorPrimitive.MAP ? c[2] : 0);
                    if (why != null) {
                        found.add("'" + p.slotLabel(p.slot(i) + k) + "' = " + f.symbol() + "(" + za
                                + (g == VectorPrimitive.ZIP ? ", " + zb : "") + "): " + why);
                    }
                }
                continue;
            }
            Primitive f = p.primitive(i);
            if (f.arity() == 0 || f == Primitive.WEIGHTED_SUM) {
                continue;
            }
            double[] c = p.parameters(i);
            double za = z[p.slot(args[0])];
            double zb = args.length > 1 ? z[p.slot(args[1])] : 0;
            String why = f.kink(za, zb, c.length > 0 ? c[0] : 0);
            if (why != null) {
                found.add("'" + p.label(i) + "' = " + f.symbol() + "(" + p.label(args[0]) + " = " + za
                        + (args.length > 1 ? ", " + p.label(args[1]) + " = " + zb : "") + "): " + why);
            }
        }
        return found;
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

    /**
     * Vector node i's second-order term {@code lambdaDot_args += lambda_i^T (d^2 f_i)[zdot_args]}, by its
     * primitive's own rule ({@link VectorPrimitive#secondOrderVjp}).
     */
    private static void vectorTerm(Program p, int i, double[] z, double[] zdot, double[] lambda, double[] lambdaDot) {
        int s = p.slot(i);
        int[] args = p.arguments(i);
        int a = args.length > 0 ? p.slot(args[0]) : 0;
        int b = args.length > 1 ? p.slot(args[1]) : 0;
        p.vectorPrimitive(i).secondOrderVjp(z, a, b, p.params, p.paramStart[i], z, s, zdot, a, b, s, lambda, s,
                lambdaDot, a, b);
    }

    /** {@code t * d}, 0 when t is 0 even if d is not finite (as the first-order sweeps do). */
    private static double times(double t, double d) {
        return t == 0 ? 0 : t * d;
    }
}
