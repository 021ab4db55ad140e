package dev.lagrange.solve.multiplier;

import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;

/**
 * A lasso problem {@code minimize (1/2)||A x - b||_2^2 + lambda ||x||_1}, the known answer for ADMM
 * against proximal gradient. O(mn) per objective evaluation.
 *
 * @param a Not modified: A, m x n
 * @param b Not modified: b, m entries
 * @param lambda the l1 weight, non-negative
 */
public record Lasso(DMatrixRMaj a, double[] b, double lambda) {
    public Lasso {
        if (b.length != a.numRows) {
            throw new IllegalArgumentException("A has " + a.numRows + " rows but b has " + b.length + " entries");
        }
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("lambda must be non-negative: " + lambda);
        }
    }

    /**
     * A seeded instance built as in Boyd et al.'s lasso example script: a sparse truth x0 with about
     * {@code density n} standard normal entries, A standard normal with unit-norm columns,
     * {@code b = A x0 + sqrt(1e-3) noise}, {@code lambda = 0.1 ||A^T b||_inf}.
     */
    public static Lasso seeded(long seed, int m, int n, double density) {
        Random random = new Random(seed);
        double[] x0 = new double[n];
        for (int j = 0; j < n; j++) {
            if (random.nextDouble() < density) {
                x0[j] = random.nextGaussian();
            }
        }
        DMatrixRMaj a = new DMatrixRMaj(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a.set(i, j, random.nextGaussian());
            }
        }
        for (int j = 0; j < n; j++) {
            double norm = 0;
            for (int i = 0; i < m; i++) {
                norm += a.get(i, j) * a.get(i, j);
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < m; i++) {
                a.set(i, j, a.get(i, j) / norm);
            }
        }
        double[] b = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += a.get(i, j) * x0[j];
            }
            b[i] = s + Math.sqrt(1e-3) * random.nextGaussian();
        }
        double[] atb = new double[n];
        transposeTimes(a, b, atb);
        double lambdaMax = 0;
        for (double v : atb) {
            lambdaMax = Math.max(lambdaMax, Math.abs(v));
        }
        return new Lasso(a, b, 0.1 * lambdaMax);
    }

    public int rows() {
        return a.numRows;
    }

    public int columns() {
        return a.numCols;
    }

    /** {@code (1/2)||A x - b||^2 + lambda ||x||_1}. @param x Not modified. */
    public double objective(double[] x) {
        double[] r = new double[b.length];
        times(a, x, r);
        double f = 0;
        for (int i = 0; i < r.length; i++) {
            f += 0.5 * (r[i] - b[i]) * (r[i] - b[i]);
        }
        for (double v : x) {
            f += lambda * Math.abs(v);
        }
        return f;
    }

    /** The Lipschitz constant of the smooth part's gradient, {@code ||A||_2^2} (an SVD, O(m n min(m, n))). */
    public double lipschitz() {
        double[] s = SingularOps_DDRM.singularValues(a.copy());
        double max = 0;
        for (double v : s) {
            max = Math.max(max, v);
        }
        return max * max;
    }

    /** The soft threshold {@code S_kappa(v) = sign(v) max(|v| - kappa, 0)}. */
    public static double shrink(double v, double kappa) {
        return v > kappa ? v - kappa : v < -kappa ? v + kappa : 0;
    }

    /** {@code y = A x}. @param x Not modified. @param y Modified. */
    static void times(DMatrixRMaj a, double[] x, double[] y) {
        CommonOps_DDRM.mult(a, DMatrixRMaj.wrap(x.length, 1, x), DMatrixRMaj.wrap(y.length, 1, y));
    }

    /** {@code y = A^T x}. @param x Not modified. @param y Modified. */
    static void transposeTimes(DMatrixRMaj a, double[] x, double[] y) {
        CommonOps_DDRM.multTransA(a, DMatrixRMaj.wrap(x.length, 1, x), DMatrixRMaj.wrap(y.length, 1, y));
    }

    /**
     * A lasso method's outcome: the point, whether its stopping rule held, a message, and its history
     * ({@link Iterate#objective()} the lasso objective at the iterate).
     */
    public record Solution(double[] x, boolean converged, String message, List<Iterate> history) {
        public Solution {
            history = List.copyOf(history);
        }

        /** The first iteration whose objective is within {@code (1 + tol) pStar}, or -1. */
        public int iterationsTo(double pStar, double tol) {
            for (Iterate it : history) {
                if (it.objective() - pStar <= tol * Math.abs(pStar)) {
                    return it.iteration();
                }
            }
            return -1;
        }
    }
}
