package dev.lagrange.solve;

import dev.lagrange.lagrangian.Lagrangian;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.solve.substitution.BackSubstitution;
import dev.lagrange.solve.substitution.ForwardPass;
import java.util.ArrayList;
import java.util.List;

/**
 * Solves grad L = 0 by two block-coordinate steps, as backprop does: the z-step satisfies every
 * constraint by a forward pass in topological order, then the lambda-step solves the multiplier
 * equations by back-substitution in reverse order from {@code lambda_n = 1}. The gradient is
 * {@code lambda_{1:d}}. O(n + edges) time, O(n) memory.
 *
 * <p>This solver handles acyclic programs; a program with a cyclic block comes back
 * {@link SolveStatus#UNSUPPORTED}, naming the variables of the first cycle.
 */
public final class BlockCoordinateSolver implements Solver {
    private final SolveOptions options;

    public BlockCoordinateSolver(SolveOptions options) {
        this.options = options;
    }

    public BlockCoordinateSolver() {
        this(SolveOptions.defaults());
    }

    public SolveOptions options() {
        return options;
    }

    @Override
    public SolveResult solve(Program program, double[] x) {
        if (x.length != program.inputCount()) {
            throw new IllegalArgumentException("expected " + program.inputCount() + " inputs, got " + x.length);
        }
        x = x.clone();
        double[] z = new double[program.slotCount()];
        List<BlockReport> reports = new ArrayList<>();
        if (!program.isAcyclic()) {
            int start = program.blocks().cyclicStart(0);
            int end = program.blocks().cyclicEnd(0);
            List<String> names = variables(program, start, end);
            return new SolveResult(SolveStatus.UNSUPPORTED,
                    "the variables " + String.join(", ", names) + " form a cycle; substitution cannot solve a cyclic "
                            + "block (it needs Newton's method)",
                    program, x, z, null, null, new Lagrangian.Residuals(Double.NaN, Double.NaN, -1, -1), reports);
        }
        int bad = ForwardPass.solve(program, x, z);
        if (bad >= 0) {
            return failure(program, x, z, null, nonFiniteValue(program, z, bad));
        }
        double[] lambda = BackSubstitution.solve(program, z, BackSubstitution.objectiveSeed(program));
        bad = BackSubstitution.firstNonFinite(program, lambda);
        if (bad >= 0) {
            return failure(program, x, z, lambda, "the multiplier of '" + program.label(bad) + "' is "
                    + lambda[program.slot(bad)] + " (a local partial derivative is not finite there)");
        }
        Lagrangian.Residuals residuals = Lagrangian.of(program).residuals(x, z, lambda);
        reports.add(new BlockReport(variables(program, 0, program.size()), false, "substitution", 1,
                residuals.constraints(), Double.NaN, List.of()));
        return new SolveResult(SolveStatus.CONVERGED, "solved by substitution", program, x, z, lambda,
                BackSubstitution.inputMultipliers(program, lambda), residuals, reports);
    }

    private static SolveResult failure(Program program, double[] x, double[] z, double[] lambda, String message) {
        return new SolveResult(SolveStatus.NON_FINITE, message, program, x, z, lambda, null,
                new Lagrangian.Residuals(Double.NaN, Double.NaN, -1, -1), List.of());
    }

    /** A message for the first node whose value is not finite, with its primitive and its arguments. */
    static String nonFiniteValue(Program program, double[] z, int node) {
        Primitive f = program.primitive(node);
        String value = String.valueOf(z[program.slot(node)]);
        if (f == Primitive.INPUT) {
            return "input '" + program.label(node) + "' is " + value;
        }
        StringBuilder s = new StringBuilder("'" + program.label(node) + "' = " + f.symbol() + "(");
        int[] a = program.arguments(node);
        for (int k = 0; k < a.length; k++) {
            s.append(k > 0 ? ", " : "").append(program.label(a[k])).append(" = ").append(z[program.slot(a[k])]);
        }
        return s.append(") is ").append(value).toString();
    }

    /** The named variables of nodes {@code [from, to)}; temporaries only when none is named. */
    static List<String> variables(Program program, int from, int to) {
        List<String> names = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (program.name(i) != null) {
                names.add(program.name(i));
            }
        }
        if (names.isEmpty()) {
            for (int i = from; i < to; i++) {
                names.add(program.label(i));
            }
        }
        return names;
    }
}
