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
    private static final int STACK = VectorPrimitive.STACK.code();

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
        if (o == STACK) {
            gather(p, i, dz, dz, s);
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
        if (o == STACK) {
            gather(p, i, z, f, fo);
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
        if (o == STACK) {
            // The scatter-add J^T lambda: argument j (a slot anywhere, possibly repeated) gets lambda_j.
            for (int s = p.slot(i), end = p.argStart[i + 1]; k < end; k++, s++) {
                dst[p.args[k]] += lambda[s];
            }
            return;
        }
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
        if (p.op[i] == INPUT) {
            return 0;
        }
        double[] seed = new double[p.width(i)];
        seed[r] = 1;
        argumentSlots(p, i, argSlots);
        return transposed(p, i, x, z, seed, 0, dfdz);
    }

    /**
     * The rows of vector node {@code i}'s local Jacobian at z, one at a time, each on its structural
     * support ({@link #rowSupport}). The node's values and argument slots are computed once, and a row
     * costs O(its support) ({@link VectorPrimitive#vjpRow}), so all the rows of an m x n matvec cost
     * O(m n) together where {@link #jacobianRow} row by row costs O(m^2 n), those of a sparse matvec
     * O(nnz + m), and those of an elementwise node O(width). Each row is the VJP of a unit seed, which
     * writes nothing outside the row's support; the dense scratch is cleared on the support after each
     * row.
     */
    public static final class JacobianRows {
        private final Program p;
        private final int i;
        private final double[] z;
        private final double[] f;
        private final double[] seed;
        private final double[] dense;
        private final int[] slots;
        private final int[] positions;

        /**
         * @param x Not modified; may be null when no argument of node i is an input block's x.
         * @param z Not modified; read by each {@link #row} call.
         */
        public JacobianRows(Program p, int i, double[] x, double[] z) {
            this.p = p;
            this.i = i;
            this.z = z;
            int length = rowLength(p, i);
            f = new double[p.width(i)];
            seed = new double[p.width(i)];
            dense = new double[length];
            slots = new int[length];
            positions = new int[length];
            if (p.op[i] != INPUT) {
                argumentSlots(p, i, slots);
                if (p.op[i] != STACK) {
                    constraintValues(p, i, x, z, f, 0);
                }
            }
        }

        /** An upper bound on any row's entry count: the arguments' widths. */
        public int maxLength() {
            return dense.length;
        }

        /**
         * Row r: the slots it depends on and {@code df_{i,r}/dz} there; an argument used twice gives
         * its slots twice (the parts are to be summed).
         *
         * @param rowSlots Modified: needs {@link #maxLength} entries.
         * @param partials Modified: needs {@link #maxLength} entries.
         * @return the number of entries written
         */
        public int row(int r, int[] rowSlots, double[] partials) {
            if (p.op[i] == INPUT) {
                return 0;
            }
            if (p.op[i] == STACK) {
                dense[r] = 1;
            } else {
                int k = p.argStart[i];
                int a = p.args[k];
                VectorPrimitive.ofCode(p.op[i]).vjpRow(r, z, a, p.args[k + 1], p.params, p.paramStart[i], f, 0, seed,
                        dense, 0, argWidth(p, a));
            }
            int count = rowSupport(p, i, r, positions);
            for (int e = 0; e < count; e++) {
                int at = positions[e];
                rowSlots[e] = slots[at];
                partials[e] = dense[at];
                dense[at] = 0;
            }
            return count;
        }
    }

    /**
     * {@code out = J_i^T lambda[lo .. lo + width(i))} over the arguments' slots in the order of
     * {@link #argumentSlots}, the partials taken at {@code f_i(z_alpha(i))}: what a row-by-row
     * consumer (a block solver pushing multipliers out of a block) needs. O(one VJP).
     *
     * @param x Not modified.
     * @param z Not modified.
     * @param lambda Not modified.
     * @param out Modified: needs {@link #rowLength} entries.
     * @return {@link #rowLength}
     */
    public static int transposed(Program p, int i, double[] x, double[] z, double[] lambda, int lo, double[] out) {
        int count = rowLength(p, i);
        if (p.op[i] == INPUT) {
            return 0;
        }
        if (p.op[i] == STACK) {
            // Argument j is listed once per use, at position j: J^T lambda is lambda itself.
            System.arraycopy(lambda, lo, out, 0, count);
            return count;
        }
        int k = p.argStart[i];
        int a = p.args[k];
        int b = p.args[k + 1];
        double[] f = new double[p.width(i)];
        constraintValues(p, i, x, z, f, 0);
        Arrays.fill(out, 0, count, 0);
        VectorPrimitive.ofCode(p.op[i]).vjp(z, a, b, p.params, p.paramStart[i], f, 0, lambda, lo, out, 0,
                argWidth(p, a));
        return count;
    }

    /**
     * The slots of vector node {@code i}'s arguments, the first argument's then the second's.
     *
     * @param slots Modified: needs {@link #rowLength} entries.
     * @return {@link #rowLength}
     */
    public static int argumentSlots(Program p, int i, int[] slots) {
        if (p.op[i] == INPUT) {
            return 0;
        }
        int m = 0;
        for (int k = p.argStart[i], end = p.argStart[i + 1]; k < end; k++) {
            int a = p.args[k];
            for (int s = a, last = a + argWidth(p, a); s < last; s++) {
                slots[m++] = s;
            }
        }
        return m;
    }

    /**
     * The positions, in the order of {@link #argumentSlots}, of the entries that row r of vector node
     * {@code i}'s Jacobian can depend on: its structural sparsity (entry r of each argument for an
     * elementwise map, row r of W and all of x for a matvec, row r's values and their columns of x for
     * a sparse matvec, everything for a reduction). O(the positions written).
     *
     * @param positions Modified: needs {@link #rowLength} entries.
     * @return the number of positions written
     */
    public static int rowSupport(Program p, int i, int r, int[] positions) {
        if (p.op[i] == INPUT) {
            return 0;
        }
        VectorPrimitive f = VectorPrimitive.ofCode(p.op[i]);
        int m = 0;
        int base = 0;
        for (int k = p.argStart[i], end = p.argStart[i + 1], arg = 0; k < end; k++, arg++) {
            int w = argWidth(p, p.args[k]);
            m = f.rowSupport(arg, r, w, p.params, p.paramStart[i], positions, m, base);
            base += w;
        }
        return m;
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

    /**
     * {@code f[fo + j] = src[slot of argument j]} for the stack node {@code i}: its value from z, or
     * its tangent from dz (J is a selection, so the JVP is the same gather).
     *
     * @param src Not modified, except for the node's own slots when it is f.
     * @param f Modified: entries {@code [fo, fo + width(i))}.
     */
    private static void gather(Program p, int i, double[] src, double[] f, int fo) {
        for (int k = p.argStart[i], end = p.argStart[i + 1]; k < end; k++) {
            f[fo++] = src[p.args[k]];
        }
    }

    private static int argWidth(Program p, int argSlot) {
        return p.width(p.nodeOf(argSlot));
    }
}
