package dev.lagrange.sparsity;

import dev.lagrange.program.Program;
import dev.lagrange.program.SecondOrder;

/**
 * A symmetric matrix by its lower triangle, as triplets {@code (rows[k], columns[k], values[k])}
 * with {@code rows[k] >= columns[k]}, row by row; and how many Hessian-vector products recovered it.
 */
public record SparseHessian(int size, int[] rows, int[] columns, double[] values, int products) {
    /**
     * The Hessian of an acyclic program's objective at x: its pattern from the graph, a star
     * colouring, and one product of {@link SecondOrder} per colour.
     *
     * @param x Not modified: the inputs.
     */
    public static SparseHessian of(Program program, double[] x) {
        SecondOrder second = SecondOrder.of(program);
        return StarColouring.of(HessianPattern.of(program)).recover(v -> second.hessianTimes(x, v));
    }

    /** The number of stored entries (the lower triangle's structural nonzeros). */
    public int entryCount() {
        return values.length;
    }

    /** {@code H_ij}, from either triangle; 0 outside the pattern. O(entries). */
    public double get(int i, int j) {
        int r = Math.max(i, j);
        int c = Math.min(i, j);
        for (int k = 0; k < values.length; k++) {
            if (rows[k] == r && columns[k] == c) {
                return values[k];
            }
        }
        return 0;
    }

    /** The full symmetric matrix. */
    public double[][] toDense() {
        double[][] h = new double[size][size];
        for (int k = 0; k < values.length; k++) {
            h[rows[k]][columns[k]] = values[k];
            h[columns[k]][rows[k]] = values[k];
        }
        return h;
    }
}
