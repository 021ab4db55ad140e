package dev.lagrange.solve.multiplier;

import java.util.ArrayList;
import java.util.List;

/**
 * Proximal gradient for the lasso with the fixed step 1/L, {@code L = ||A||_2^2}:
 * <pre>
 *   ISTA:   x^{k+1} = S_{lambda/L}(y^k - A^T (A y^k - b) / L),  y^k = x^k
 *   FISTA:  the same from y^k = x^k + ((t_{k-1} - 1) / t_k)(x^k - x^{k-1}),  t_k = (1 + sqrt(1 + 4 t_{k-1}^2)) / 2
 * </pre>
 * O(1/k) and O(1/k^2) suboptimality; O(mn) per iteration. Stops when
 * {@code L ||x^{k+1} - y^k||_2 <= tolerance} (the gradient mapping) or at the iteration limit. The history
 * records the gradient mapping's norm as its stationarity residual. Reference: A. Beck and M. Teboulle,
 * A Fast Iterative Shrinkage-Thresholding Algorithm for Linear Inverse Problems, SIAM J. Imaging Sci.
 * 2(1), 2009.
 */
public final class ProximalGradient {
    private final boolean accelerated;
    private final double tolerance;
    private final int maxIterations;

    private ProximalGradient(boolean accelerated, double tolerance, int maxIterations) {
        this.accelerated = accelerated;
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
    }

    public static ProximalGradient ista(double tolerance, int maxIterations) {
        return new ProximalGradient(false, tolerance, maxIterations);
    }

    public static ProximalGradient fista(double tolerance, int maxIterations) {
        return new ProximalGradient(true, tolerance, maxIterations);
    }

    public String name() {
        return accelerated ? "fista" : "ista";
    }

    public Lasso.Solution solve(Lasso problem) {
        long start = System.nanoTime();
        int m = problem.rows();
        int n = problem.columns();
        double lip = problem.lipschitz();
        double[] x = new double[n];
        double[] xPrev = new double[n];
        double[] y = new double[n];
        double[] r = new double[m];
        double[] g = new double[n];
        double t = 1;
        List<Iterate> history = new ArrayList<>();
        int k = 0;
        boolean converged = false;
        while (k < maxIterations && !converged) {
            k++;
            Lasso.times(problem.a(), y, r);
            for (int i = 0; i < m; i++) {
                r[i] -= problem.b()[i];
            }
            Lasso.transposeTimes(problem.a(), r, g);
            System.arraycopy(x, 0, xPrev, 0, n);
            double step2 = 0;
            for (int j = 0; j < n; j++) {
                x[j] = Lasso.shrink(y[j] - g[j] / lip, problem.lambda() / lip);
                step2 += (x[j] - y[j]) * (x[j] - y[j]);
            }
            double mapping = lip * Math.sqrt(step2);
            history.add(new Iterate(k, 0, mapping, problem.objective(x), (System.nanoTime() - start) * 1e-9));
            converged = mapping <= tolerance;
            if (accelerated) {
                double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
                double beta = (t - 1) / tNext;
                for (int j = 0; j < n; j++) {
                    y[j] = x[j] + beta * (x[j] - xPrev[j]);
                }
                t = tNext;
            } else {
                System.arraycopy(x, 0, y, 0, n);
            }
        }
        String message = name() + (converged ? ": converged" : ": stopped") + " after " + k + " iterations";
        return new Lasso.Solution(x.clone(), converged, message, history);
    }
}
