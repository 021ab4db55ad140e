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
 * and Hager's estimate of the 1-norm condition number {@code ||A||_1 ||A^{-1}||_1} (W. Hager,
 * "Condition estimates", SIAM J. Sci. Stat. Comput. 1984, with N. Higham's extra test vector, ACM
 * TOMS 1988). O(n^3) to factor, O(n^2) per solve and per estimate step.
 */
final class DenseLu {
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

    int size() {
        return n;
    }

    /** Whether U has an exactly zero pivot, so that solves divide by zero. */
    boolean hasZeroPivot() {
        return zeroPivot;
    }

    /**
     * Solves {@code A x = b} in place.
     *
     * @param b Modified: b on entry, x on exit.
     * @param work Modified: scratch of n entries.
     */
    void solve(double[] b, double[] work) {
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
    void solveTransposed(double[] b, double[] work) {
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

    /** {@code ||A||_1}, the largest column sum. */
    double norm1() {
        return norm1;
    }

    /**
     * An estimate of {@code kappa_1(A) = ||A||_1 ||A^{-1}||_1}, a lower bound that is rarely more than
     * a small factor below it; infinite when a pivot is zero or a solve overflows.
     */
    double conditionEstimate() {
        if (zeroPivot) {
            return Double.POSITIVE_INFINITY;
        }
        if (n == 0) {
            return 1;
        }
        double[] v = new double[n];
        double[] sign = new double[n];
        double[] work = new double[n];
        java.util.Arrays.fill(v, 1.0 / n);
        double estimate = 0;
        int last = -1;
        for (int iteration = 0; iteration < 5; iteration++) {
            solve(v, work);
            double e = sum(v);
            if (!Double.isFinite(e)) {
                return Double.POSITIVE_INFINITY;
            }
            if (iteration > 0 && e <= estimate) {
                break;
            }
            estimate = e;
            for (int i = 0; i < n; i++) {
                sign[i] = v[i] >= 0 ? 1 : -1;
            }
            solveTransposed(sign, work);
            int j = 0;
            for (int i = 1; i < n; i++) {
                if (Math.abs(sign[i]) > Math.abs(sign[j])) {
                    j = i;
                }
            }
            if (j == last) {
                break;
            }
            last = j;
            java.util.Arrays.fill(v, 0);
            v[j] = 1;
        }
        // Higham's alternating vector catches matrices that fool the power-method steps above.
        for (int i = 0; i < n; i++) {
            v[i] = (i % 2 == 0 ? 1 : -1) * (1 + (n == 1 ? 0 : (double) i / (n - 1)));
        }
        solve(v, work);
        double alternative = 2 * sum(v) / (3 * n);
        if (!Double.isFinite(alternative)) {
            return Double.POSITIVE_INFINITY;
        }
        return norm1 * Math.max(estimate, alternative);
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double e : v) {
            s += Math.abs(e);
        }
        return s;
    }
}
