package dev.lagrange.solve.newton;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import dev.lagrange.program.VectorKernels;

/**
 * One cyclic block B = nodes {@code [from, to)} as a square system in its own unknowns, the earlier
 * blocks' values held fixed:
 * <pre>
 *   g_i(z_B) = z_i - f_i(z_alpha(i)),      J_ij = dg_i/dz_j = delta_ij - df_i/dz_j   (i, j in B).
 * </pre>
 * For an unknown u of a {@code solve} block, {@code f_u = z_u - g} cancels the identity exactly, so
 * its row is the equation's own gradient. Rows and columns are numbered by slot from the block's
 * first slot; a vector node has one row per slot, its entries from the VJPs of unit seeds
 * ({@link VectorKernels.JacobianRows}) and its pattern from its primitive's structural row support.
 * Each evaluation, the Jacobian included, is O(block slots + the entries of its rows' structural
 * supports): O(nnz + S) for a sparse matvec, not O(S^2).
 */
final class BlockSystem {
    private static final int IMPLICIT = Primitive.IMPLICIT.ordinal();

    final Program program;
    final int from;
    final int to;
    final int s0;
    final int m;
    private final int[] argSlots;
    private final double[] dfdz;
    /** Scratch for the widest vector node: its values, argument slots, a Jacobian row, support positions. */
    private final double[] f;
    private final int[] rowSlots;
    private final double[] row;
    private final int[] support;

    BlockSystem(Program program, int from, int to) {
        this.program = program;
        this.from = from;
        this.to = to;
        this.s0 = program.slot(from);
        this.m = program.slot(to - 1) + program.width(to - 1) - s0;
        int widest = 2;
        int vectorWidth = 0;
        int rowWidth = 0;
        for (int i = from; i < to; i++) {
            if (program.isVector(i)) {
                vectorWidth = Math.max(vectorWidth, program.width(i));
                rowWidth = Math.max(rowWidth, VectorKernels.rowLength(program, i));
            } else {
                widest = Math.max(widest, program.arity(i));
            }
        }
        argSlots = new int[widest];
        dfdz = new double[widest];
        f = new double[vectorWidth];
        rowSlots = new int[rowWidth];
        row = new double[rowWidth];
        support = new int[rowWidth];
    }

    /**
     * Whether g is affine in z_B, so that J does not depend on z: every node is a sum, a difference,
     * a negation, a copy, a weighted sum or an implicit constraint (constant partials), a product
     * with at most one factor inside the block, or a quotient whose denominator is outside it.
     */
    boolean isLinear() {
        for (int i = from; i < to; i++) {
            int[] a = program.arguments(i);
            if (program.isVector(i)) {
                boolean linear = switch (program.vectorPrimitive(i)) {
                    case COPY, ADD, SUB, SCALE, SUM, ELEMENT, STACK -> true;
                    case MATVEC, SPARSE_MATVEC -> !inBlock(program.slot(a[0]));
                    case SCALE_BY, HADAMARD, DOT -> !(inBlock(program.slot(a[0])) && inBlock(program.slot(a[1])));
                    default -> false;
                };
                if (!linear) {
                    return false;
                }
                continue;
            }
            boolean linear = switch (program.primitive(i)) {
                case IDENTITY, NEG, ADD, SUB, WEIGHTED_SUM, IMPLICIT -> true;
                case MUL -> !(inBlock(program.slot(a[0])) && inBlock(program.slot(a[1])));
                case DIV -> !inBlock(program.slot(a[1]));
                default -> false;
            };
            if (!linear) {
                return false;
            }
        }
        return true;
    }

    /** Whether a node of the block is a vector node. */
    boolean hasVectorNode() {
        for (int i = from; i < to; i++) {
            if (program.isVector(i)) {
                return true;
            }
        }
        return false;
    }

    boolean inBlock(int slot) {
        return slot >= s0 && slot < s0 + m;
    }

    /**
     * The residual g(z_B) and its squared 2-norm (NaN or infinite when an entry is).
     *
     * @param x Not modified.
     * @param z Not modified.
     * @param g Modified: m entries.
     */
    double residual(double[] x, double[] z, double[] g) {
        double sq = 0;
        for (int i = from; i < to; i++) {
            int s = program.slot(i);
            if (program.isVector(i)) {
                VectorKernels.constraintValues(program, i, x, z, f, 0);
                for (int k = 0, w = program.width(i); k < w; k++) {
                    double r = z[s + k] - f[k];
                    g[s + k - s0] = r;
                    sq += r * r;
                }
                continue;
            }
            double r = z[s] - Sweeps.constraintValue(program, i, x, z);
            g[s - s0] = r;
            sq += r * r;
        }
        return sq;
    }

    /** Receives the entries of a Jacobian; an entry may arrive in several parts, to be summed. */
    interface EntrySink {
        void add(int row, int col, double value);
    }

    /**
     * The block Jacobian at z, entry by entry.
     *
     * @param z Not modified.
     * @return the first node with a partial derivative that is not finite, or -1
     */
    int jacobian(double[] z, EntrySink sink) {
        for (int i = from; i < to; i++) {
            if (program.isVector(i)) {
                if (!vectorRows(i, z, sink)) {
                    return i;
                }
                continue;
            }
            int row = program.slot(i) - s0;
            sink.add(row, row, 1);
            int count = Sweeps.localPartials(program, i, z, argSlots, dfdz);
            for (int k = 0; k < count; k++) {
                if (!Double.isFinite(dfdz[k])) {
                    return i;
                }
                if (inBlock(argSlots[k])) {
                    sink.add(row, argSlots[k] - s0, -dfdz[k]);
                }
            }
        }
        return -1;
    }

    /** The rows of vector node i, on its rows' structural support; false when a partial is not finite. */
    private boolean vectorRows(int i, double[] z, EntrySink sink) {
        // The partials of a block node do not involve x: its arguments are values, never inputs.
        VectorKernels.JacobianRows rows = new VectorKernels.JacobianRows(program, i, null, z);
        for (int r = 0, w = program.width(i); r < w; r++) {
            int rowIndex = program.slot(i) + r - s0;
            sink.add(rowIndex, rowIndex, 1);
            int count = rows.row(r, rowSlots, row);
            for (int e = 0; e < count; e++) {
                double d = row[e];
                if (!Double.isFinite(d)) {
                    return false;
                }
                int col = rowSlots[e];
                if (inBlock(col)) {
                    sink.add(rowIndex, col - s0, -d);
                }
            }
        }
        return true;
    }

    /**
     * The sparsity pattern of J in CSR form, {@code {rowStart, columns}}: the diagonal, except where an
     * implicit unknown's identity cancels, and every argument inside the block.
     */
    int[][] pattern() {
        int[] rowStart = new int[m + 1];
        int[] cols = new int[m + countArguments()];
        int e = 0;
        for (int i = from; i < to; i++) {
            if (program.isVector(i)) {
                VectorKernels.argumentSlots(program, i, rowSlots);
                for (int r = 0, w = program.width(i); r < w; r++) {
                    int rowIndex = program.slot(i) + r - s0;
                    rowStart[rowIndex] = e;
                    cols[e++] = rowIndex;
                    int count = VectorKernels.rowSupport(program, i, r, support);
                    for (int k = 0; k < count; k++) {
                        int col = rowSlots[support[k]];
                        if (inBlock(col) && col - s0 != rowIndex) {
                            cols[e++] = col - s0;
                        }
                    }
                }
                continue;
            }
            int row = program.slot(i) - s0;
            rowStart[row] = e;
            int self = program.slot(i);
            int[] a = program.arguments(i);
            boolean implicit = program.primitive(i).ordinal() == IMPLICIT && a.length == 2 && program.slot(a[0]) == self;
            if (implicit) {
                int g = program.slot(a[1]);
                if (inBlock(g)) {
                    cols[e++] = g - s0;
                }
                continue;
            }
            cols[e++] = row;
            for (int j : a) {
                int s = program.slot(j);
                if (inBlock(s) && s != self) {
                    cols[e++] = s - s0;
                }
            }
        }
        rowStart[m] = e;
        return new int[][] {rowStart, cols};
    }

    private int countArguments() {
        int c = 0;
        for (int i = from; i < to; i++) {
            if (program.isVector(i)) {
                for (int r = 0, w = program.width(i); r < w; r++) {
                    c += VectorKernels.rowSupport(program, i, r, support);
                }
            } else {
                c += program.arity(i);
            }
        }
        return c;
    }

    /**
     * Pushes the block's multipliers to the arguments outside it: {@code lambda_j += sum_{i in B}
     * lambda_i df_i/dz_j} for every j outside B. A zero multiplier pushes nothing.
     *
     * @param z Not modified.
     * @param lambda Modified outside the block.
     */
    void pushOutside(double[] z, double[] lambda) {
        for (int i = to - 1; i >= from; i--) {
            if (program.isVector(i)) {
                int count = VectorKernels.argumentSlots(program, i, rowSlots);
                VectorKernels.transposed(program, i, null, z, lambda, program.slot(i), row);
                for (int k = 0; k < count; k++) {
                    if (!inBlock(rowSlots[k])) {
                        lambda[rowSlots[k]] += row[k];
                    }
                }
                continue;
            }
            double li = lambda[program.slot(i)];
            if (li == 0) {
                continue;
            }
            int count = Sweeps.localPartials(program, i, z, argSlots, dfdz);
            for (int k = 0; k < count; k++) {
                if (!inBlock(argSlots[k])) {
                    lambda[argSlots[k]] += li * dfdz[k];
                }
            }
        }
    }

    /**
     * The tangent the block receives from outside: {@code out_r = sum_{k outside B} df_r/dz_k zdot_k}
     * for each block row r, the right-hand side of {@code J zdot_B = out} (differentiating
     * {@code g(z_B, z_outside) = 0} along a direction). A zero tangent contributes nothing.
     *
     * @param z Not modified.
     * @param zdot Not modified: the tangents of the nodes before the block.
     * @param out Modified: m entries.
     */
    void outsideTangent(double[] z, double[] zdot, double[] out) {
        java.util.Arrays.fill(out, 0, m, 0);
        for (int i = from; i < to; i++) {
            if (program.isVector(i)) {
                VectorKernels.JacobianRows rows = new VectorKernels.JacobianRows(program, i, null, z);
                for (int r = 0, w = program.width(i); r < w; r++) {
                    int count = rows.row(r, rowSlots, row);
                    double t = 0;
                    for (int e = 0; e < count; e++) {
                        double d = zdot[rowSlots[e]];
                        if (d != 0 && !inBlock(rowSlots[e])) {
                            t += row[e] * d;
                        }
                    }
                    out[program.slot(i) + r - s0] = t;
                }
                continue;
            }
            int count = Sweeps.localPartials(program, i, z, argSlots, dfdz);
            double t = 0;
            for (int k = 0; k < count; k++) {
                double d = zdot[argSlots[k]];
                if (d != 0 && !inBlock(argSlots[k])) {
                    t += dfdz[k] * d;
                }
            }
            out[program.slot(i) - s0] = t;
        }
    }

    /** The name of block row r's slot: its node's label, with the entry inside a vector ({@code v[2]}). */
    String label(int r) {
        return program.slotLabel(s0 + r);
    }

    /** Whether the node at block row r has a name (is not a temporary). */
    boolean named(int r) {
        return program.name(program.nodeOf(s0 + r)) != null;
    }
}
