package dev.lagrange.solve.multiplier;

import dev.lagrange.lagrangian.Lagrangian;
import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.SolveStatus;
import dev.lagrange.solve.substitution.BackSubstitution;
import java.util.ArrayList;
import java.util.List;

/**
 * The scaffold every iterative multiplier method here runs on: the z-step by the forward pass (Newton
 * on cyclic blocks), the iterate / record / stop loop ({@link #iterate}), the clock and the history,
 * and the final result, checked against the Lagrangian's residuals whatever the method's own rule.
 * A method supplies one iteration; this class does the rest the same way for all of them.
 */
final class MethodRun {
    final Program program;
    final double[] x;
    final List<Iterate> history = new ArrayList<>();
    private final long start = System.nanoTime();

    MethodRun(Program program, double[] x) {
        if (x.length != program.inputCount()) {
            throw new IllegalArgumentException("expected " + program.inputCount() + " inputs, got " + x.length);
        }
        this.program = program;
        this.x = x.clone();
    }

    /**
     * The feasible z of the forward pass (and Newton on cyclic blocks, with the default options: the
     * caller's iteration limit is for its own iterations), or its failure.
     */
    SolveResult forward() {
        return new BlockCoordinateSolver(SolveOptions.defaults()).solve(program, x);
    }

    /** The augmented Lagrangian at lambda = 0 for the penalty methods. */
    PenaltyFunction penalty(double rho0, ResidualBalancing balancing) {
        return new PenaltyFunction(program, x, Lagrangian.of(program).seed(), rho0, balancing);
    }

    /**
     * The multiplier equations at the forward pass's z: z, its constraint residual, the seed w and the
     * local Jacobian there.
     */
    record Linearized(double[] z, double constraints, double[] w, LocalJacobian jacobian) {
    }

    Linearized linearize(SolveResult forward) {
        double[] z = forward.z();
        return new Linearized(z, forward.residuals().constraints(), Lagrangian.of(program).seed(),
                LocalJacobian.at(program, z));
    }

    /** What one iteration says of the run. */
    enum Verdict {
        /** Go on to the next iteration. */
        CONTINUE,
        /** The method's stopping rule holds. */
        STOP,
        /** A residual is not finite: stop, and let {@link #finish} name the variable. */
        BROKEN
    }

    /** One iteration k = 1, 2, ... of a method: updates its state, {@link #record}s it and gives its verdict. */
    interface Iteration {
        Verdict take(int k);
    }

    /** How a loop ended: the iterations taken and whether the method's stopping rule held. */
    record Ending(int iterations, boolean stopped) {
    }

    /** Runs {@code step} for k = 1, 2, ... until its verdict is STOP or BROKEN, or {@code maxIterations} iterations. */
    Ending iterate(int maxIterations, Iteration step) {
        for (int k = 1; k <= maxIterations; k++) {
            Verdict verdict = step.take(k);
            if (verdict != Verdict.CONTINUE) {
                return new Ending(k, verdict == Verdict.STOP);
            }
        }
        return new Ending(Math.max(0, maxIterations), false);
    }

    void record(int iteration, double constraints, double stationarity, double objective) {
        history.add(new Iterate(iteration, constraints, stationarity, objective, (System.nanoTime() - start) * 1e-9));
    }

    IterativeResult failed(SolveResult r) {
        return new IterativeResult(r, history);
    }

    /**
     * The result at (z, lambda): CONVERGED when the Lagrangian's residuals are at most
     * {@code tolerance}, NON_FINITE when a multiplier is not finite, else NOT_CONVERGED.
     */
    IterativeResult finish(String method, double[] z, double[] lambda, int iterations, double tolerance) {
        Lagrangian.Residuals res = Lagrangian.of(program).residuals(x, z, lambda);
        return finish(method, z, lambda, iterations, res, res.max() <= tolerance, "tolerance " + tolerance);
    }

    /**
     * The result at (z, lambda) for a method with its own stopping rule: CONVERGED when
     * {@code stopped}, the rule being described by {@code rule} in the message otherwise.
     */
    IterativeResult finish(String method, double[] z, double[] lambda, int iterations, Lagrangian.Residuals res,
            boolean stopped, String rule) {
        int bad = BackSubstitution.firstNonFinite(program, lambda);
        SolveStatus status;
        String message;
        if (bad >= 0 || Double.isNaN(res.max())) {
            status = SolveStatus.NON_FINITE;
            int node = bad >= 0 ? bad : Math.max(res.worstConstraint(), res.worstMultiplier());
            message = method + ": the multiplier of '" + program.label(node) + "' is not finite after " + iterations
                    + " iterations";
        } else if (stopped) {
            status = SolveStatus.CONVERGED;
            message = method + ": converged in " + iterations + " iterations";
        } else {
            status = SolveStatus.NOT_CONVERGED;
            message = method + ": after " + iterations + " iterations the constraint residual is " + res.constraints()
                    + " at '" + label(res.worstConstraint()) + "' and the multiplier residual " + res.multipliers()
                    + " at '" + label(res.worstMultiplier()) + "' (" + rule + ")";
        }
        double[] gradient = status == SolveStatus.CONVERGED ? BackSubstitution.inputMultipliers(program, lambda) : null;
        return new IterativeResult(new SolveResult(status, message, program, x, z, lambda, gradient, res, List.of()),
                history);
    }

    private String label(int node) {
        return node < 0 ? "-" : program.label(node);
    }

    double objective(double[] z) {
        return z[program.slot(program.objective())];
    }
}
