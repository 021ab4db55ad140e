package dev.lagrange.optimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** L-BFGS against minima known in closed form. */
class LbfgsTest {
    /** The n-dimensional Rosenbrock function, minimum 0 at (1, ..., 1). */
    private static double rosenbrock(double[] v, double[] g) {
        java.util.Arrays.fill(g, 0);
        double f = 0;
        for (int i = 0; i + 1 < v.length; i++) {
            double a = v[i + 1] - v[i] * v[i];
            double b = 1 - v[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * v[i] * a - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    }

    @Test
    void findsTheRosenbrockMinimum() {
        double[] v = {-1.2, 1, -1.2, 1, -1.2, 1};
        Lbfgs.Outcome outcome = new Lbfgs(10).minimize(LbfgsTest::rosenbrock, v, 1e-10, 10_000);
        assertTrue(outcome.converged(), outcome.toString());
        assertTrue(outcome.gradientNorm() <= 1e-10, outcome.toString());
        for (int i = 0; i < v.length; i++) {
            assertEquals(1, v[i], 1e-9, "x_" + i);
        }
    }

    /** A strongly convex quadratic 1/2 v^T A v - b^T v, A diagonal: minimum A^-1 b, in few iterations. */
    @Test
    void solvesAnIllConditionedQuadratic() {
        int n = 50;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = Math.pow(10, 4.0 * i / (n - 1)); // condition number 1e4
            b[i] = Math.sin(i + 1);
        }
        double[] v = new double[n];
        Lbfgs.Outcome outcome = new Lbfgs(10).minimize((u, g) -> {
            double f = 0;
            for (int i = 0; i < n; i++) {
                g[i] = a[i] * u[i] - b[i];
                f += 0.5 * a[i] * u[i] * u[i] - b[i] * u[i];
            }
            return f;
        }, v, 1e-12, 5000);
        assertTrue(outcome.converged(), outcome.toString());
        for (int i = 0; i < n; i++) {
            assertEquals(b[i] / a[i], v[i], 1e-12 / a[i] + 1e-14, "x_" + i);
        }
    }

    @Test
    void reportsWhenItRunsOutOfIterations() {
        double[] v = {-1.2, 1};
        Lbfgs.Outcome outcome = new Lbfgs(5).minimize(LbfgsTest::rosenbrock, v, 1e-12, 3);
        assertFalse(outcome.converged());
        assertEquals(3, outcome.iterations());
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(0));
    }
}
