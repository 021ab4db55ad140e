package dev.lagrange.solve;

import dev.lagrange.program.Program;
import java.util.ArrayList;
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
 * @param multiplierResidual {@code ||J_B^T lambda_B - rhs||_inf} of the block's multiplier solve, NaN
 *     where there was none (substitution, or a solve that stopped before the multipliers)
 */
public record BlockReport(List<String> variables, boolean cyclic, String method, int iterations, double residual,
        double conditionEstimate, List<Double> history, double multiplierResidual) {
    public BlockReport {
        variables = List.copyOf(variables);
        history = List.copyOf(history);
    }

    /** A report with no multiplier solve. */
    public BlockReport(List<String> variables, boolean cyclic, String method, int iterations, double residual,
            double conditionEstimate, List<Double> history) {
        this(variables, cyclic, method, iterations, residual, conditionEstimate, history, Double.NaN);
    }

    /** This report with the residual of the block's multiplier solve. */
    public BlockReport withMultiplierResidual(double r) {
        return new BlockReport(variables, cyclic, method, iterations, residual, conditionEstimate, history, r);
    }

    /** {@code "cyclic"} or {@code "acyclic"}, as in the JSON contract. */
    public String kind() {
        return cyclic ? "cyclic" : "acyclic";
    }

    /**
     * The named variables of nodes {@code [from, to)}, for reports and messages; the temporaries'
     * labels only when none is named.
     */
    public static List<String> variablesOf(Program program, int from, int to) {
        List<String> names = program.namesIn(from, to);
        if (names.isEmpty()) {
            for (int i = from; i < to; i++) {
                names.add(program.label(i));
            }
        }
        return names;
    }
}
