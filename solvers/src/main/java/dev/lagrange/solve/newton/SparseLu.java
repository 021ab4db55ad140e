package dev.lagrange.solve.newton;

import org.ejml.data.DMatrixSparseCSC;
import org.ejml.sparse.ComputePermutation;
import org.ejml.sparse.csc.decomposition.lu.LuUpLooking_DSCC;

/**
 * The sparse LU factors of a square matrix by EJML's up-looking LU with partial pivoting (after
 * Davis's CSparse), with solves by A and by its transpose from the same factors. EJML applies a
 * fill-reducing order F (a {@link ReverseCuthillMcKee} row permutation) symmetrically: it factors
 * {@code L U = P (F A F^T)} with pivoting rows P. Then
 * <pre>
 *   A x = b:    L U y = P F b,        x = F^T y
 *   A^T x = b:  U^T w = F b,  L^T v = w,  x = F^T P^T v
 * </pre>
 * Factoring costs O(flops of the factors); each solve O(nnz(L) + nnz(U)).
 */
final class SparseLu implements Factorization {
    private final int n;
    private final DMatrixSparseCSC lower;
    private final DMatrixSparseCSC upper;
    private final int[] pinv;
    private final int[] order;
    private final boolean singular;
    private final double norm1;

    /**
     * @param a Not modified.
     * @param ordering the column ordering, or null for none
     */
    SparseLu(DMatrixSparseCSC a, ComputePermutation<DMatrixSparseCSC> ordering) {
        n = a.numCols;
        LuUpLooking_DSCC lu = new LuUpLooking_DSCC(ordering);
        boolean ok = lu.decompose(a.copy());
        singular = !ok || lu.isSingular();
        lower = ok ? lu.getL().copy() : null;
        upper = ok ? lu.getU().copy() : null;
        pinv = ok ? lu.getPinv().clone() : null;
        int[] reduce = ok && ordering != null ? lu.getReducePermutation() : null;
        // position k of F A F^T holds row and column order[k] of A
        order = reduce == null ? null : java.util.Arrays.copyOf(reduce, n);
        double worst = 0;
        for (int c = 0; c < n; c++) {
            double sum = 0;
            for (int k = a.col_idx[c]; k < a.col_idx[c + 1]; k++) {
                sum += Math.abs(a.nz_values[k]);
            }
            worst = Math.max(worst, sum);
        }
        norm1 = worst;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public double norm1() {
        return norm1;
    }

    /** Whether the factorization failed or U has a zero pivot. */
    @Override
    public boolean isSingular() {
        return singular;
    }

    /** {@code nnz(L) + nnz(U)}: the fill, to compare orderings. */
    int factorNonzeros() {
        return singular ? -1 : lower.nz_length + upper.nz_length;
    }

    /**
     * Solves {@code A x = b} in place.
     *
     * @param b Modified: b on entry, x on exit.
     * @param work Modified: n entries of scratch.
     */
    @Override
    public void solve(double[] b, double[] work) {
        for (int k = 0; k < n; k++) {
            work[pinv[k]] = b[order == null ? k : order[k]];
        }
        // L y = work, then U x = y, both triangular by columns
        for (int j = 0; j < n; j++) {
            scatter(lower, work, j);
        }
        for (int j = n - 1; j >= 0; j--) {
            scatter(upper, work, j);
        }
        for (int k = 0; k < n; k++) {
            b[order == null ? k : order[k]] = work[k];
        }
    }

    /**
     * Solves {@code A^T x = b} in place with the factors of A.
     *
     * @param b Modified: b on entry, x on exit.
     * @param work Modified: n entries of scratch.
     */
    @Override
    public void solveTransposed(double[] b, double[] work) {
        for (int k = 0; k < n; k++) {
            work[k] = b[order == null ? k : order[k]];
        }
        // U^T w = work, then L^T v = w: row j of a transpose is column j
        for (int j = 0; j < n; j++) {
            gather(upper, work, j);
        }
        for (int j = n - 1; j >= 0; j--) {
            gather(lower, work, j);
        }
        for (int k = 0; k < n; k++) {
            b[order == null ? k : order[k]] = work[pinv[k]];
        }
    }

    /** Column j's step of a solve with triangular t by columns: {@code w_j /= t_jj; w_r -= t_rj w_j}. */
    private static void scatter(DMatrixSparseCSC t, double[] w, int j) {
        double y = w[j] / diagonal(t, j);
        w[j] = y;
        for (int k = t.col_idx[j]; k < t.col_idx[j + 1]; k++) {
            int r = t.nz_rows[k];
            if (r != j) {
                w[r] -= t.nz_values[k] * y;
            }
        }
    }

    /** Row j's step of a solve with {@code t^T}: {@code w_j = (w_j - sum_{r != j} t_rj w_r) / t_jj}. */
    private static void gather(DMatrixSparseCSC t, double[] w, int j) {
        double s = w[j];
        for (int k = t.col_idx[j]; k < t.col_idx[j + 1]; k++) {
            int r = t.nz_rows[k];
            if (r != j) {
                s -= t.nz_values[k] * w[r];
            }
        }
        w[j] = s / diagonal(t, j);
    }

    private static double diagonal(DMatrixSparseCSC t, int j) {
        for (int k = t.col_idx[j]; k < t.col_idx[j + 1]; k++) {
            if (t.nz_rows[k] == j) {
                return t.nz_values[k];
            }
        }
        return 0;
    }
}
