package dev.lagrange.program;

import dev.lagrange.primitive.VectorPrimitive;
import java.util.Arrays;

/**
 * The sweeps' steps for one vector node, and the per-node operations the Lagrangian and the checks
 * need: the value {@code f_i(z_alpha(i))} over the node's slots, {@code J_i^T lambda_i} and
 * {@code J_i t}, and one row of the local Jacobian. {@link Sweeps} calls the first three from its
 * loops when a node's op code is at least {@link VectorPrimitive#BASE}; the kernels themselves are
 * declared once, in {@link VectorPrimitive}. Each call is O(size of the node's arguments).
 */
public final class VectorKernels {
    private static final int INPUT = VectorPrimitive.INPUT.code();

    private VectorKernels() {
    }

    /**
     * The z-step of vector node {@code i}: {@code z[slot(i)..] = f_i(z_alpha(i))}, or the node's
     * block of x for an input block.
     *
     * @param x Not modified.
     * @param z Modified: the node's slots.
     */
    static void forward(Program p, int i, double[] x, double[] z) {
        constraintValues(p, i, x, z, z, p.slot(i));
    }

    /**
     * {@code dst[alpha(i)] += J_i^T src[slot(i)..]}, the partials read off z at a feasible point (z_i =
     * f_i).
     *
     * @param z Not modified.
     * @param src Not modified unless it is dst (the node's own slots are not written).
     * @param dst Modified: the arguments' slots.
     */
    static void reverse(Program p, int i, double[] z, double[] src, double[] dst) {
        addTransposed(p, i, z, z, p.slot(i), src, dst);
    }

    /**
     * {@code dz[slot(i)..] = J_i dz[alpha(i)]}, or the node's block of dx for an input block.
     *
     * @param z Not modified.
     * @param dx Not modified.
     * @param dz Modified: the node's slots.
     */
    static void tangent(Program p, int i, double[] z, double[] dx, double[] dz) {
        int o = p.op[i];
        int c = p.paramStart[i];
        int s = p.slot(i);
        if (o == INPUT) {
            System.arraycopy(dx, (int) p.params[c], dz, s, (int) p.params[c + 1]);
            return;
        }
        int k = p.argStart[i];
        int a = p.args[k];
        int b = p.args[k + 1];
        VectorPrimitive.ofCode(o).jvp(z, a, b, p.params, c, z, s, dz, a, b, dz, s);
    }

    /**
     * The right-hand side {@code f_i(z_alpha(i))} of vector node {@code i}'s constraint at any z,
     * over its {@code width(i)} slots.
     *
     * @param x Not modified.
     * @param z Not modified.
     * @param f Modified: entries {@code [fo, fo + width(i))}.
     */
    public static void constraintValues(Program p, int i, double[] x, double[] z, double[] f, int fo) {
        int o = p.op[i];
        int c = p.paramStart[i];
        if (o == INPUT) {
            System.arraycopy(x, (int) p.params[c], f, fo, (int) p.params[c + 1]);
            return;
        }
        int k = p.argStart[i];
        VectorPrimitive.ofCode(o).value(z, p.args[k], p.args[k + 1], p.params, c, f, fo);
    }

    /**
     * {@code dst[alpha(i)] += J_i^T lambda[slot(i)..]} with the partials taken at
     * {@code f = f_i(z_alpha(i))}, which need not equal z_i away from a solution.
     *
     * @param z Not modified.
     * @param lambda Not modified.
     * @param f Not modified: the node's values {@code f_i(z_alpha(i))} at {@code [fo, fo + width(i))}
     *     (from {@link #constraintValues}).
     * @param dst Modified.
     */
    public static void addTransposed(Program p, int i, double[] z, double[] f, int fo, double[] lambda, double[] dst) {
        int o = p.op[i];
        if (o == INPUT) {
            return;
        }
        int k = p.argStart[i];
        int a = p.args[k];
        int b = p.args[k + 1];
        VectorPrimitive.ofCode(o).vjp(z, a, b, p.params, p.paramStart[i], f, fo, lambda, p.slot(i), dst, a, b);
    }

    /**
     * Row {@code r} of vector node {@code i}'s local Jacobian at any z: for every slot of every
     * argument (the first argument's slots, then the second's; an argument used twice is listed
     * twice), the slot and {@code df_{i,r}/dz} there. Dense: O(width of the arguments) entries; O(cost
     * of one VJP) time.
     *
     * @param x Not modified.
     * @param z Not modified.
     * @param argSlots Modified: needs {@link #rowLength} entries.
     * @param dfdz Modified: needs {@link #rowLength} entries.
     * @return the number of entries written, {@link #rowLength}
     */
    public static int jacobianRow(Program p, int i, int r, double[] x, double[] z, int[] argSlots, double[] dfdz) {
        int o = p.op[i];
        int count = rowLength(p, i);
        if (o == INPUT) {
            return 0;
        }
        int k = p.argStart[i];
        int a = p.args[k];
        int b = p.args[k + 1];
        int wa = argWidth(p, a);
        int w = p.width(i);
        double[] f = new double[w];
        constraintValues(p, i, x, z, f, 0);
        double[] seed = new double[w];
        seed[r] = 1;
        Arrays.fill(dfdz, 0, count, 0);
        VectorPrimitive.ofCode(o).vjp(z, a, b, p.params, p.paramStart[i], f, 0, seed, 0, dfdz, 0, wa);
        for (int m = 0; m < wa; m++) {
            argSlots[m] = a + m;
        }
        for (int m = wa; m < count; m++) {
            argSlots[m] = b + m - wa;
        }
        return count;
    }

    /** The number of entries of a row of vector node {@code i}'s local Jacobian: its arguments' widths. */
    public static int rowLength(Program p, int i) {
        if (p.op[i] == INPUT) {
            return 0;
        }
        int k = p.argStart[i];
        int count = 0;
        for (int end = p.argStart[i + 1]; k < end; k++) {
            count += argWidth(p, p.args[k]);
        }
        return count;
    }

    private static int argWidth(Program p, int argSlot) {
        return p.width(p.nodeOf(argSlot));
    }
}
