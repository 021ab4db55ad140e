package dev.lagrange.solve;

import java.util.List;

/**
 * What a solver did with one segment of the program: an acyclic run solved by substitution, or a
 * cyclic block solved iteratively.
 *
 * @param variables the named variables of the segment (temporaries are left out)
 * @param cyclic whether the segment is a cyclic block
 * @param method {@code "substitution"}, {@code "newton"}, ...
 * @param iterations iterations taken (1 for substitution)
 * @param residual the final max-norm residual of the segment's constraints
 * @param conditionEstimate an estimate of the Jacobian's condition number, NaN where none was formed
 * @param history the residual after each iteration, empty unless asked for
 */
public record BlockReport(List<String> variables, boolean cyclic, String method, int iterations, double residual,
        double conditionEstimate, List<Double> history) {
    public BlockReport {
        variables = List.copyOf(variables);
        history = List.copyOf(history);
    }

    /** {@code "cyclic"} or {@code "acyclic"}, as in the JSON contract. */
    public String kind() {
        return cyclic ? "cyclic" : "acyclic";
    }
}
