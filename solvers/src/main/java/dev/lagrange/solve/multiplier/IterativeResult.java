package dev.lagrange.solve.multiplier;

import dev.lagrange.solve.SolveResult;
import java.util.List;

/**
 * A solve and its history, one {@link Iterate} per iteration, with the columns as plain arrays for
 * plotting. The history of a method that fails before its first iteration is empty.
 */
public record IterativeResult(SolveResult result, List<Iterate> history) {
    public IterativeResult {
        history = List.copyOf(history);
    }

    /** The number of iterations recorded. */
    public int iterations() {
        return history.isEmpty() ? 0 : history.get(history.size() - 1).iteration();
    }

    /** The iteration numbers (a new array). */
    public double[] iterationColumn() {
        return history.stream().mapToDouble(Iterate::iteration).toArray();
    }

    /** The constraint residuals (a new array). */
    public double[] constraintResiduals() {
        return history.stream().mapToDouble(Iterate::constraintResidual).toArray();
    }

    /** The stationarity residuals (a new array). */
    public double[] stationarityResiduals() {
        return history.stream().mapToDouble(Iterate::stationarityResidual).toArray();
    }

    /** The objective values (a new array). */
    public double[] objectives() {
        return history.stream().mapToDouble(Iterate::objective).toArray();
    }

    /** The elapsed seconds (a new array). */
    public double[] seconds() {
        return history.stream().mapToDouble(Iterate::seconds).toArray();
    }
}
