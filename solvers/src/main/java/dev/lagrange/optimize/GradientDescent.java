package dev.lagrange.optimize;

import dev.lagrange.solve.SolveResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Steepest descent (or ascent) on a program's objective with the gradient {@code lambda_F} of each
 * solve and a backtracking (Armijo) line search: with {@code s = +1} to minimise and {@code -1} to
 * maximise, {@code g = df/dx} and {@code d = -s g},
 * <pre>
 *   x_{k+1} = x_k + t_k d,   t_k = the first of t0, t0 beta, t0 beta^2, ... with
 *   s f(x_k + t d) <= s f(x_k) - c_1 t ||g||^2
 * </pre>
 * where {@code t0} is twice the last step if that one was accepted at once (at most {@code maxStep}),
 * else the last step, so the step length adapts to the curvature instead of restarting from 1 and
 * does not keep probing lengths that were just rejected. A trial point where the program cannot be solved (a
 * NaN, a singular block) is treated as too long a step. Stops when {@code ||g||_inf <= tol}
 * (CONVERGED), at the iteration limit (MAX_ITERATIONS, the last point returned), or when a line search
 * runs out of backtracks (LINE_SEARCH_FAILED). Cost per iteration: one solve per trial step; O(d)
 * extra memory, plus the history when asked for. Linear convergence, with a rate set by the condition
 * number of the Hessian, so prefer {@link CommonsMathOptimizers#conjugateGradient} on long valleys.
 *
 * <p>Reference: J. Nocedal and S. Wright, Numerical Optimization, 2nd ed., Algorithm 3.1.
 */
public final class GradientDescent {
    private final DescentOptions options;

    public GradientDescent(DescentOptions options) {
        this.options = options;
    }

    public GradientDescent() {
        this(DescentOptions.defaults());
    }

    public DescentOptions options() {
        return options;
    }

    /** Optimises from the objective's current free inputs. */
    public OptimizeResult optimize(ProgramObjective f, Goal goal) {
        return optimize(f, goal, f.start());
    }

    /**
     * @param start Not modified: the free inputs to start from
     */
    public OptimizeResult optimize(ProgramObjective f, Goal goal, double[] start) {
        int sign = goal.sign();
        double[] x = start.clone();
        SolveResult r = f.solve(x);
        int evaluations = 1;
        List<OptimizeResult.Iterate> history = new ArrayList<>();
        if (!r.isConverged()) {
            return new OptimizeResult(OptimizeStatus.SOLVE_FAILED, "no solution at the start: " + r.message(), METHOD,
                    x, Double.NaN, OptimizeOps.nans(x.length), 0, evaluations, history);
        }
        double value = r.objectiveValue();
        double[] g = f.gradient(r);
        double t0 = options.initialStep();
        for (int k = 0; ; k++) {
            double norm = OptimizeOps.maxNorm(g);
            if (norm <= options.gradientTolerance()) {
                record(history, k, value, norm, 0);
                return new OptimizeResult(OptimizeStatus.CONVERGED, "||gradient||_inf = " + norm + " after " + k
                        + " iterations", METHOD, x, value, g, k, evaluations, history);
            }
            if (k == options.maxIterations()) {
                record(history, k, value, norm, 0);
                return new OptimizeResult(OptimizeStatus.MAX_ITERATIONS, "||gradient||_inf = " + norm + " > "
                        + options.gradientTolerance() + " after " + k + " iterations", METHOD, x, value, g, k,
                        evaluations, history);
            }
            double g2 = OptimizeOps.squaredNorm(g);
            double t = t0;
            double[] trial = new double[x.length];
            SolveResult accepted = null;
            int b = 0;
            for (; b < options.maxBacktracks(); b++, t *= options.shrink()) {
                for (int j = 0; j < x.length; j++) {
                    trial[j] = x[j] - sign * t * g[j];
                }
                SolveResult q = f.solve(trial);
                evaluations++;
                if (q.isConverged() && sign * q.objectiveValue() <= sign * value - options.armijo() * t * g2) {
                    accepted = q;
                    break;
                }
            }
            if (accepted == null) {
                record(history, k, value, norm, 0);
                return new OptimizeResult(OptimizeStatus.LINE_SEARCH_FAILED, "no sufficient decrease along the "
                        + (sign > 0 ? "negative " : "") + "gradient at iteration " + k + " (||gradient||_inf = " + norm
                        + ", last trial step " + t / options.shrink() + "); " + "the tolerance may be below what "
                        + "rounding allows", METHOD, x, value, g, k, evaluations, history);
            }
            record(history, k, value, norm, t);
            x = trial;
            value = accepted.objectiveValue();
            g = f.gradient(accepted);
            t0 = b == 0 ? Math.min(2 * t, options.maxStep()) : t;
        }
    }

    private static final String METHOD = "gradient-descent";

    private void record(List<OptimizeResult.Iterate> history, int k, double value, double norm, double step) {
        if (options.recordHistory()) {
            history.add(new OptimizeResult.Iterate(k, value, norm, step));
        }
    }
}
