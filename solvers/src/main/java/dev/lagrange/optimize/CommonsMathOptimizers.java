package dev.lagrange.optimize;

import dev.lagrange.solve.SolveResult;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.OptimizationData;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.MultivariateOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Adapters from a {@link ProgramObjective} to commons-math3's optimisers:
 * <ul>
 *   <li>{@link #conjugateGradient}: nonlinear conjugate gradients (Polak-Ribiere) with the gradient
 *       {@code lambda_F} of each solve and a Brent line search;</li>
 *   <li>{@link #nelderMead} and {@link #bobyqa}: derivative-free, for comparison; they use values only
 *       and need many more solves.</li>
 * </ul>
 * One solve gives both value and gradient, and commons-math asks for them separately at the same
 * point, so the last solve is reused. commons-math's exceptions for the iteration and evaluation
 * limits become the status MAX_ITERATIONS; a point where the program has no solution is given the
 * value {@code +-Double.MAX_VALUE} (so line searches and simplices back away from it) and counted in
 * the message. The gradient returned is that of one last solve at the optimum, for every method.
 *
 * <p>References: J. Nocedal and S. Wright, Numerical Optimization, 2nd ed., section 5.2;
 * J. Nelder and R. Mead, Comput. J. 7 (1965); M. Powell, The BOBYQA algorithm, DAMTP 2009/NA06.
 */
public final class CommonsMathOptimizers {
    private CommonsMathOptimizers() {
    }

    /** Polak-Ribiere conjugate gradients. Not modified: start. */
    public static OptimizeResult conjugateGradient(ProgramObjective f, Goal goal, double[] start,
            CommonsMathOptions options) {
        var optimizer = new NonLinearConjugateGradientOptimizer(
                NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE,
                new SimpleValueChecker(options.relativeTolerance(), options.absoluteTolerance()),
                1e-8, 1e-8, options.initialStep());
        Cached c = new Cached(f, goal);
        return run("conjugate-gradient", optimizer, c, goal, start, options,
                new ObjectiveFunction(c::value), new ObjectiveFunctionGradient(c::gradient));
    }

    /** Nelder-Mead simplex search (derivative-free). Not modified: start. */
    public static OptimizeResult nelderMead(ProgramObjective f, Goal goal, double[] start,
            CommonsMathOptions options) {
        var optimizer = new SimplexOptimizer(
                new SimpleValueChecker(options.relativeTolerance(), options.absoluteTolerance()));
        double[] steps = new double[start.length];
        Arrays.fill(steps, options.initialStep());
        Cached c = new Cached(f, goal);
        return run("nelder-mead", optimizer, c, goal, start, options, new ObjectiveFunction(c::value),
                new NelderMeadSimplex(steps));
    }

    /**
     * Powell's BOBYQA with 2d + 1 interpolation points, unbounded (derivative-free; d >= 2).
     * Not modified: start.
     */
    public static OptimizeResult bobyqa(ProgramObjective f, Goal goal, double[] start, CommonsMathOptions options) {
        if (start.length < 2) {
            throw new IllegalArgumentException("BOBYQA needs at least 2 free inputs, got " + start.length);
        }
        var optimizer = new BOBYQAOptimizer(2 * start.length + 1, options.initialStep(),
                options.relativeTolerance());
        Cached c = new Cached(f, goal);
        return run("bobyqa", optimizer, c, goal, start, options, new ObjectiveFunction(c::value),
                SimpleBounds.unbounded(start.length));
    }

    private static OptimizeResult run(String method, MultivariateOptimizer optimizer, Cached c, Goal goal,
            double[] start, CommonsMathOptions options, OptimizationData... problem) {
        OptimizationData[] data = Arrays.copyOf(problem, problem.length + 4);
        data[problem.length] = new MaxEval(options.maxEvaluations());
        data[problem.length + 1] = new MaxIter(options.maxEvaluations());
        data[problem.length + 2] = goal == Goal.MINIMIZE ? GoalType.MINIMIZE : GoalType.MAXIMIZE;
        data[problem.length + 3] = new InitialGuess(start.clone());
        SolveResult first = c.solve(start);
        if (!first.isConverged()) {
            return new OptimizeResult(OptimizeStatus.SOLVE_FAILED, "no solution at the start: " + first.message(),
                    method, start, Double.NaN, OptimizeOps.nans(start.length), 0, c.solves, List.of());
        }
        OptimizeStatus status = OptimizeStatus.CONVERGED;
        String message;
        double[] x;
        try {
            PointValuePair optimum = optimizer.optimize(data);
            x = optimum.getPoint();
            message = "converged by commons-math's value test";
        } catch (TooManyEvaluationsException | TooManyIterationsException e) {
            status = OptimizeStatus.MAX_ITERATIONS;
            x = c.best;
            message = "stopped at " + options.maxEvaluations() + " evaluations; the best point so far is returned";
        }
        SolveResult last = c.solve(x);
        if (c.failures > 0) {
            message += "; the program had no solution at " + c.failures + " trial point"
                    + (c.failures == 1 ? "" : "s");
        }
        double[] g = last.isConverged() ? c.objective.gradient(last) : OptimizeOps.nans(x.length);
        double value = last.isConverged() ? last.objectiveValue() : Double.NaN;
        return new OptimizeResult(status, message, method, x, value, g, optimizer.getIterations(), c.solves,
                List.of());
    }

    /** The objective with its last solve kept, its solves counted and its best point remembered. */
    private static final class Cached {
        final ProgramObjective objective;
        final int sign;
        double[] lastX;
        SolveResult last;
        double[] best;
        double bestValue = Double.POSITIVE_INFINITY;
        int solves;
        int failures;

        Cached(ProgramObjective objective, Goal goal) {
            this.objective = objective;
            this.sign = goal.sign();
        }

        SolveResult solve(double[] x) {
            if (last == null || !Arrays.equals(x, lastX)) {
                lastX = x.clone();
                last = objective.solve(lastX);
                solves++;
                if (!last.isConverged()) {
                    failures++;
                } else if (sign * last.objectiveValue() < bestValue) {
                    bestValue = sign * last.objectiveValue();
                    best = lastX;
                }
            }
            return last;
        }

        double value(double[] x) {
            SolveResult r = solve(x);
            return r.isConverged() ? r.objectiveValue() : sign * Double.MAX_VALUE;
        }

        double[] gradient(double[] x) {
            SolveResult r = solve(x);
            return r.isConverged() ? objective.gradient(r) : new double[x.length];
        }
    }
}
