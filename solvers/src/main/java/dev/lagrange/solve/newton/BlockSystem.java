package dev.lagrange.solve.newton;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;

/**
 * One cyclic block B = nodes {@code [from, to)} as a square system in its own unknowns, the earlier
 * blocks' values held fixed:
 * <pre>
 *   g_i(z_B) = z_i - f_i(z_alpha(i)),      J_ij = dg_i/dz_j = delta_ij - df_i/dz_j   (i, j in B).
 * </pre>
 * For an unknown u of a {@code solve} block, {@code f_u = z_u - g} cancels the identity exactly, so
 * its row is the equation's own gradient. Rows and columns are numbered by slot from the block's
 * first slot (every node is a scalar today). Each evaluation is O(block nodes + their arguments).
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

    BlockSystem(Program program, int from, int to) {
        this.program = program;
        this.from = from;
        this.to = to;
        this.s0 = program.slot(from);
        this.m = program.slot(to - 1) + program.width(to - 1) - s0;
        int widest = 2;
        for (int i = from; i < to; i++) {
            if (program.width(i) != 1) {
                throw new UnsupportedOperationException("Newton on blocks with vector node '" + program.label(i) + "'");
            }
            widest = Math.max(widest, program.arity(i));
        }
        argSlots = new int[widest];
        dfdz = new double[widest];
    }

    /**
     * Whether g is affine in z_B, so that J does not depend on z: every node is a sum, a difference,
     * a negation, a copy, a weighted sum or an implicit constraint (constant partials), a product
     * with at most one factor inside the block, or a quotient whose denominator is outside it.
     */
    boolean isLinear() {
        for (int i = from; i < to; i++) {
            int[] a = program.arguments(i);
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

    /**
     * The sparsity pattern of J in CSR form, {@code {rowStart, columns}}: the diagonal, except where an
     * implicit unknown's identity cancels, and every argument inside the block.
     */
    int[][] pattern() {
        int[] rowStart = new int[m + 1];
        int[] cols = new int[m + countArguments()];
        int e = 0;
        for (int i = from; i < to; i++) {
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
            c += program.arity(i);
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

    /** The label of the node at block row r. */
    String label(int r) {
        return program.label(program.nodeOf(s0 + r));
    }

    /** Whether the node at block row r has a name (is not a temporary). */
    boolean named(int r) {
        return program.name(program.nodeOf(s0 + r)) != null;
    }
}
