package dev.lagrange.solve.newton;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.lu.LUDecompositionAlt_DDRM;

/**
 * The LU factors {@code P A = L U} of a dense square matrix (EJML's Crout decomposition with partial
 * pivoting), with solves by both A and its transpose from the same packed factors:
 * <pre>
 *   A x = b:    L U x = P b
 *   A^T x = b:  U^T w = b,  L^T v = w,  x = P^T v
 * </pre>
 * O(n^3) to factor, O(n^2) per solve.
 */
final class DenseLu implements Factorization {
    private final int n;
    private final double[] lu;
    private final int[] pivot;
    private final double norm1;
    private final boolean zeroPivot;

    /** @param a Not modified. */
    DenseLu(DMatrixRMaj a) {
        if (a.numRows != a.numCols) {
            throw new IllegalArgumentException("LU of a " + a.numRows + " x " + a.numCols + " matrix");
        }
        n = a.numRows;
        LUDecompositionAlt_DDRM decomposition = new LUDecompositionAlt_DDRM();
        decomposition.decompose(a);
        lu = decomposition.getLU().data.clone();
        pivot = decomposition.getPivot().clone();
        boolean zero = false;
        for (int i = 0; i < n; i++) {
            if (lu[i * n + i] == 0) {
                zero = true;
            }
        }
        zeroPivot = zero;
        double worst = 0;
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.abs(a.data[i * n + j]);
            }
            worst = Math.max(worst, s);
        }
        norm1 = worst;
    }

    @Override
    public int size() {
        return n;
    }

    /** Whether U has an exactly zero pivot, so that solves divide by zero. */
    @Override
    public boolean isSingular() {
        return zeroPivot;
    }

    /**
     * Solves {@code A x = b} in place.
     *
     * @param b Modified: b on entry, x on exit.
     * @param work Modified: scratch of n entries.
     */
    @Override
    public void solve(double[] b, double[] work) {
        for (int i = 0; i < n; i++) {
            work[i] = b[pivot[i]];
        }
        for (int i = 0; i < n; i++) {
            double s = work[i];
            int row = i * n;
            for (int k = 0; k < i; k++) {
                s -= lu[row + k] * work[k];
            }
            work[i] = s;
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = work[i];
            int row = i * n;
            for (int k = i + 1; k < n; k++) {
                s -= lu[row + k] * work[k];
            }
            work[i] = s / lu[row + i];
        }
        System.arraycopy(work, 0, b, 0, n);
    }

    /**
     * Solves {@code A^T x = b} in place with the factors of A.
     *
     * @param b Modified: b on entry, x on exit.
     * @param work Modified: scratch of n entries.
     */
    @Override
    public void solveTransposed(double[] b, double[] work) {
        System.arraycopy(b, 0, work, 0, n);
        // U^T is lower triangular: column i of U, read down, is row i of U^T.
        for (int i = 0; i < n; i++) {
            double s = work[i];
            for (int k = 0; k < i; k++) {
                s -= lu[k * n + i] * work[k];
            }
            work[i] = s / lu[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = work[i];
            for (int k = i + 1; k < n; k++) {
                s -= lu[k * n + i] * work[k];
            }
            work[i] = s;
        }
        for (int i = 0; i < n; i++) {
            b[pivot[i]] = work[i];
        }
    }

    @Override
    public double norm1() {
        return norm1;
    }
}
