package dev.lagrange.solve;

import dev.lagrange.lagrangian.Lagrangian;
import dev.lagrange.program.Program;
import java.util.List;

/**
 * What a solve did and where it ended: the status and a message naming the variables involved when
 * it failed, the point (x, z, lambda), the gradient {@code lambda_{1:d}}, the Lagrangian's residual
 * norms, and a report per segment. Arrays are the solver's own copies; the accessors return them
 * as they are, so treat them as read-only.
 */
public record SolveResult(SolveStatus status, String message, Program program, double[] x, double[] z,
        double[] lambda, double[] gradient, Lagrangian.Residuals residuals, List<BlockReport> blocks) {
    public SolveResult {
        blocks = List.copyOf(blocks);
    }

    public boolean isConverged() {
        return status == SolveStatus.CONVERGED;
    }

    /** This result if it converged; otherwise a {@link SolveException} carrying it. */
    public SolveResult orThrow() {
        if (!isConverged()) {
            throw new SolveException(this);
        }
        return this;
    }

    /** The objective's value z_n. */
    public double objectiveValue() {
        return z[program.slot(program.objective())];
    }

    /** The value of variable {@code name}. */
    public double value(String name) {
        return z[program.slot(node(name))];
    }

    /** The multiplier of variable {@code name}. */
    public double multiplier(String name) {
        return lambda == null ? Double.NaN : lambda[program.slot(node(name))];
    }

    /** d(objective)/d(input {@code name}). */
    public double gradient(String name) {
        int k = program.inputIndex(node(name));
        if (k < 0) {
            throw new IllegalArgumentException("'" + name + "' is not an input");
        }
        return gradient == null ? Double.NaN : gradient[k];
    }

    private int node(String name) {
        int i = program.nodeNamed(name);
        if (i < 0) {
            throw new IllegalArgumentException("no variable named '" + name + "'");
        }
        return i;
    }
}
