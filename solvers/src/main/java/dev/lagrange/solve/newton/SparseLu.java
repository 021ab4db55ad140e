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
        // L y = work, L lower triangular by columns
        for (int j = 0; j < n; j++) {
            double diag = 0;
            for (int k = lower.col_idx[j]; k < lower.col_idx[j + 1]; k++) {
                if (lower.nz_rows[k] == j) {
                    diag = lower.nz_values[k];
                }
            }
            double y = work[j] / diag;
            work[j] = y;
            for (int k = lower.col_idx[j]; k < lower.col_idx[j + 1]; k++) {
                int r = lower.nz_rows[k];
                if (r != j) {
                    work[r] -= lower.nz_values[k] * y;
                }
            }
        }
        // U x = y, U upper triangular by columns
        for (int j = n - 1; j >= 0; j--) {
            double diag = 0;
            for (int k = upper.col_idx[j]; k < upper.col_idx[j + 1]; k++) {
                if (upper.nz_rows[k] == j) {
                    diag = upper.nz_values[k];
                }
            }
            double y = work[j] / diag;
            work[j] = y;
            for (int k = upper.col_idx[j]; k < upper.col_idx[j + 1]; k++) {
                int r = upper.nz_rows[k];
                if (r != j) {
                    work[r] -= upper.nz_values[k] * y;
                }
            }
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
        // U^T w = work: row j of U^T is column j of U, whose entries lie at rows <= j
        for (int j = 0; j < n; j++) {
            double s = work[j];
            double diag = 0;
            for (int k = upper.col_idx[j]; k < upper.col_idx[j + 1]; k++) {
                int r = upper.nz_rows[k];
                if (r == j) {
                    diag = upper.nz_values[k];
                } else {
                    s -= upper.nz_values[k] * work[r];
                }
            }
            work[j] = s / diag;
        }
        // L^T v = w: column j of L holds rows >= j
        for (int j = n - 1; j >= 0; j--) {
            double s = work[j];
            double diag = 0;
            for (int k = lower.col_idx[j]; k < lower.col_idx[j + 1]; k++) {
                int r = lower.nz_rows[k];
                if (r == j) {
                    diag = lower.nz_values[k];
                } else {
                    s -= lower.nz_values[k] * work[r];
                }
            }
            work[j] = s / diag;
        }
        for (int k = 0; k < n; k++) {
            b[order == null ? k : order[k]] = work[pinv[k]];
        }
    }
}
