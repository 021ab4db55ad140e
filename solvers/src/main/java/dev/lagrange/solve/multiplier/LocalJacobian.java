package dev.lagrange.solve.multiplier;

import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import dev.lagrange.program.VectorKernels;

/**
 * The local Jacobian {@code J_ij = df_i/dz_j} of a program's constraint functions at a point z (any
 * point: each partial is taken at {@code f_i(z_alpha(i))}, as {@link dev.lagrange.lagrangian.Lagrangian}
 * does), stored by column so that the multiplier equations can be read off one variable at a time:
 * {@code dL/dz_j = w_j - lambda_j + sum_i J_ij lambda_i}. Building it is O(n + edges) time and memory;
 * each product is O(edges). Also the home of the constraint residual and the transpose product at a
 * moving point, which the penalty methods need.
 */
final class LocalJacobian {
    private final int[] start;
    private final int[] row;
    private final double[] value;

    private LocalJacobian(int[] start, int[] row, double[] value) {
        this.start = start;
        this.row = row;
        this.value = value;
    }

    /** The number of structural entries of vector node i's rows. */
    private static int supportSize(Program p, int i) {
        int[] positions = new int[VectorKernels.rowLength(p, i)];
        int size = 0;
        for (int r = 0; r < p.width(i); r++) {
            size += VectorKernels.rowSupport(p, i, r, positions);
        }
        return size;
    }

    /** J at z. @param z Not modified. */
    static LocalJacobian at(Program p, double[] z) {
        int slots = p.slotCount();
        int edges = 0;
        for (int i = 0; i < p.size(); i++) {
            edges += p.isVector(i) ? supportSize(p, i) : p.arity(i);
        }
        int[] col = new int[edges];
        int[] rows = new int[edges];
        double[] vals = new double[edges];
        int[] argSlots = new int[2];
        double[] dfdz = new double[2];
        int e = 0;
        for (int i = 0; i < p.size(); i++) {
            if (p.isVector(i)) {
                // One row per slot, on its structural support; exact zeros are dropped.
                VectorKernels.JacobianRows jacobianRows = new VectorKernels.JacobianRows(p, i, null, z);
                int[] rowSlots = new int[jacobianRows.maxLength()];
                double[] rowValues = new double[jacobianRows.maxLength()];
                for (int r = 0; r < p.width(i); r++) {
                    int length = jacobianRows.row(r, rowSlots, rowValues);
                    for (int k = 0; k < length; k++) {
                        if (rowValues[k] != 0) {
                            col[e] = rowSlots[k];
                            rows[e] = p.slot(i) + r;
                            vals[e++] = rowValues[k];
                        }
                    }
                }
                continue;
            }
            if (p.arity(i) > argSlots.length) {
                argSlots = new int[p.arity(i)];
                dfdz = new double[p.arity(i)];
            }
            int arity = Sweeps.localPartials(p, i, z, argSlots, dfdz);
            for (int k = 0; k < arity; k++, e++) {
                col[e] = argSlots[k];
                rows[e] = p.slot(i);
                vals[e] = dfdz[k];
            }
        }
        edges = e;
        int[] start = new int[slots + 1];
        for (int k = 0; k < edges; k++) {
            start[col[k] + 1]++;
        }
        for (int j = 0; j < slots; j++) {
            start[j + 1] += start[j];
        }
        int[] next = start.clone();
        int[] row = new int[edges];
        double[] value = new double[edges];
        for (int k = 0; k < edges; k++) {
            int at = next[col[k]]++;
            row[at] = rows[k];
            value[at] = vals[k];
        }
        return new LocalJacobian(start, row, value);
    }

    /** {@code (J^T lambda)_j}. @param lambda Not modified. */
    double transposeRow(int j, double[] lambda) {
        double s = 0;
        for (int k = start[j]; k < start[j + 1]; k++) {
            s += value[k] * lambda[row[k]];
        }
        return s;
    }

    /** {@code dst += J^T lambda}. @param lambda Not modified. @param dst Modified. */
    void addTransposeTimes(double[] lambda, double[] dst) {
        for (int j = 0; j + 1 < start.length; j++) {
            dst[j] += transposeRow(j, lambda);
        }
    }

    /** {@code dst += J v}. @param v Not modified. @param dst Modified. */
    void addTimes(double[] v, double[] dst) {
        for (int j = 0; j + 1 < start.length; j++) {
            double vj = v[j];
            if (vj != 0) {
                for (int k = start[j]; k < start[j + 1]; k++) {
                    dst[row[k]] += value[k] * vj;
                }
            }
        }
    }

    /**
     * The multiplier equations' residual {@code r = w - lambda + J^T lambda} (a new array).
     *
     * @param w Not modified: the seed. @param lambda Not modified.
     */
    double[] stationarity(double[] w, double[] lambda) {
        double[] r = new double[w.length];
        for (int j = 0; j < r.length; j++) {
            r[j] = w[j] - lambda[j] + transposeRow(j, lambda);
        }
        return r;
    }

    /**
     * The constraint residual {@code c_i = z_i - f_i(z_alpha(i))}, inputs {@code z_i - x_k}.
     *
     * @param x Not modified. @param z Not modified. @param c Modified.
     */
    static void constraints(Program p, double[] x, double[] z, double[] c) {
        for (int i = 0; i < p.size(); i++) {
            int s = p.slot(i);
            if (p.isVector(i)) {
                VectorKernels.constraintValues(p, i, x, z, c, s);
                for (int k = s, end = s + p.width(i); k < end; k++) {
                    c[k] = z[k] - c[k];
                }
                continue;
            }
            c[s] = z[s] - Sweeps.constraintValue(p, i, x, z);
        }
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double a : v) {
            m = Math.max(m, Math.abs(a));
            if (Double.isNaN(a)) {
                return Double.NaN;
            }
        }
        return m;
    }

    static double norm2(double[] v) {
        double s = 0;
        for (double a : v) {
            s += a * a;
        }
        return Math.sqrt(s);
    }
}
