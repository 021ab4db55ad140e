package dev.lagrange.solve.newton;

import java.util.Arrays;

/**
 * LU factors of a square matrix A that solve with A and with its transpose, and Hager's estimate of
 * the 1-norm condition number {@code ||A||_1 ||A^{-1}||_1} from those solves (W. Hager, "Condition
 * estimates", SIAM J. Sci. Stat. Comput. 1984, with N. Higham's extra test vector, ACM TOMS 1988):
 * at most six solves each way.
 */
interface Factorization {
    /** n, the order of A. */
    int size();

    /** Whether the factorization met a zero pivot, so that solves would divide by zero. */
    boolean isSingular();

    /** {@code ||A||_1}, the largest column sum. */
    double norm1();

    /**
     * Solves {@code A x = b} in place.
     *
     * @param b Modified: b on entry, x on exit.
     * @param work Modified: scratch of n entries.
     */
    void solve(double[] b, double[] work);

    /**
     * Solves {@code A^T x = b} in place with the factors of A.
     *
     * @param b Modified: b on entry, x on exit.
     * @param work Modified: scratch of n entries.
     */
    void solveTransposed(double[] b, double[] work);

    /**
     * An estimate of {@code kappa_1(A) = ||A||_1 ||A^{-1}||_1}, a lower bound that is rarely more than
     * a small factor below it; infinite when a pivot is zero or a solve overflows.
     */
    default double conditionEstimate() {
        int n = size();
        if (isSingular()) {
            return Double.POSITIVE_INFINITY;
        }
        if (n == 0) {
            return 1;
        }
        double[] v = new double[n];
        double[] sign = new double[n];
        double[] work = new double[n];
        Arrays.fill(v, 1.0 / n);
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
            Arrays.fill(v, 0);
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
        return norm1() * Math.max(estimate, alternative);
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double e : v) {
            s += Math.abs(e);
        }
        return s;
    }
}
