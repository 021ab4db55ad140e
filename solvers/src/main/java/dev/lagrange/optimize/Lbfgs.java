package dev.lagrange.optimize;

/**
 * Limited-memory BFGS (the two-loop recursion, memory m) with a backtracking Armijo line search,
 * for smooth unconstrained problems of a few to millions of variables; the multiplier methods
 * ({@code AugmentedLagrangian}, {@code BlockAdmm}) solve their subproblems with it. Chosen because the primitives give first
 * partials only (no Hessians for Newton), it needs one value-and-gradient per trial step, O(m n)
 * extra work per iteration, and it converges superlinearly near a strongly convex minimum, which the
 * augmented Lagrangian has for rho large enough; commons-math's nonlinear conjugate gradient would do
 * but converges linearly and hides its iteration count behind a checker. A pair with
 * {@code s.y <= 0} is skipped, so the inverse-Hessian model stays positive definite. Reference:
 * J. Nocedal and S. Wright, Numerical Optimization, 2nd ed., algorithm 7.4.
 */
public final class Lbfgs {
    /** A smooth function: returns f(v) and writes its gradient. */
    public interface Function {
        /** @param v Not modified. @param g Modified: the gradient at v. */
        double valueAndGradient(double[] v, double[] g);
    }

    /** How a minimisation ended. */
    public record Outcome(int iterations, double gradientNorm, boolean converged) {
    }

    private final int memory;

    /** @param memory the number m of correction pairs kept, at least 1 (10 is usual) */
    public Lbfgs(int memory) {
        if (memory < 1) {
            throw new IllegalArgumentException("L-BFGS needs a memory of at least 1 pair: " + memory);
        }
        this.memory = memory;
    }

    /**
     * Minimises f from v until {@code max|grad f| <= tolerance}.
     *
     * @param v Modified: the start on entry, the last iterate on return.
     */
    public Outcome minimize(Function f, double[] v, double tolerance, int maxIterations) {
        int n = v.length;
        double[][] s = new double[memory][n];
        double[][] y = new double[memory][n];
        double[] rhoInv = new double[memory];
        double[] alpha = new double[memory];
        double[] g = new double[n];
        double[] gNew = new double[n];
        double[] d = new double[n];
        double[] trial = new double[n];
        double fv = f.valueAndGradient(v, g);
        int stored = 0;
        int head = 0;
        for (int k = 0; k < maxIterations; k++) {
            double gmax = OptimizeOps.maxNorm(g);
            if (!(gmax > tolerance)) {
                return new Outcome(k, gmax, !Double.isNaN(gmax));
            }
            for (int i = 0; i < n; i++) {
                d[i] = -g[i];
            }
            for (int m = 0; m < stored; m++) {
                int at = Math.floorMod(head - 1 - m, memory);
                alpha[at] = dot(s[at], d) / rhoInv[at];
                axpy(-alpha[at], y[at], d);
            }
            double scale = 1.0 / Math.sqrt(OptimizeOps.squaredNorm(g));
            if (stored > 0) {
                int last = Math.floorMod(head - 1, memory);
                scale = rhoInv[last] / dot(y[last], y[last]);
            }
            for (int i = 0; i < n; i++) {
                d[i] *= scale;
            }
            for (int m = stored - 1; m >= 0; m--) {
                int at = Math.floorMod(head - 1 - m, memory);
                double beta = dot(y[at], d) / rhoInv[at];
                axpy(alpha[at] - beta, s[at], d);
            }
            double slope = dot(g, d);
            if (!(slope < 0)) {
                // not a descent direction (rounding at the end): restart from steepest descent
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i] * scale;
                }
                slope = dot(g, d);
                stored = 0;
            }
            double t = 1;
            double fTrial = Double.NaN;
            for (int tries = 0; tries < 60; tries++, t *= 0.5) {
                for (int i = 0; i < n; i++) {
                    trial[i] = v[i] + t * d[i];
                }
                fTrial = f.valueAndGradient(trial, gNew);
                if (acceptable(fTrial, fv, t * slope, gNew, gmax)) {
                    break;
                }
            }
            if (!acceptable(fTrial, fv, t * slope, gNew, gmax)) {
                return new Outcome(k, gmax, false);
            }
            double sy = 0;
            for (int i = 0; i < n; i++) {
                s[head][i] = trial[i] - v[i];
                y[head][i] = gNew[i] - g[i];
                sy += s[head][i] * y[head][i];
            }
            if (sy > 1e-300) {
                rhoInv[head] = sy;
                head = (head + 1) % memory;
                stored = Math.min(stored + 1, memory);
            }
            System.arraycopy(trial, 0, v, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fv = fTrial;
        }
        double gmax = OptimizeOps.maxNorm(g);
        return new Outcome(maxIterations, gmax, gmax <= tolerance);
    }

    /**
     * Armijo's sufficient decrease; near the minimum, where f's decrease drowns in rounding, a step
     * that keeps f within rounding and shrinks the gradient is accepted as well.
     */
    private static boolean acceptable(double fTrial, double f, double decrease, double[] gNew, double gmax) {
        if (fTrial <= f + 1e-4 * decrease) {
            return true;
        }
        return fTrial <= f + 1e-13 * Math.abs(f) && OptimizeOps.maxNorm(gNew) < gmax;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }
}
