package dev.lagrange.solve;

import dev.lagrange.lagrangian.Lagrangian;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Condensation;
import dev.lagrange.program.Program;
import dev.lagrange.solve.newton.BlockFactors;
import dev.lagrange.solve.newton.NewtonBlockSolver;
import dev.lagrange.solve.newton.NewtonOptions;
import dev.lagrange.solve.substitution.BackSubstitution;
import dev.lagrange.solve.substitution.ForwardPass;
import java.util.ArrayList;
import java.util.List;

/**
 * Solves grad L = 0 by two block-coordinate steps, as backprop does, over the program's segments
 * ({@link Program#blocks()}):
 * <ul>
 *   <li>the z-step, in evaluation order: an acyclic run by substitution,
 *       {@code z_i = f_i(z_alpha(i))}; a cyclic block by Newton's method on
 *       {@code g(z_B) = z_B - f_B(z) = 0} with the earlier values fixed ({@link NewtonBlockSolver});</li>
 *   <li>the lambda-step, in reverse order from the seed {@code lambda_n = 1}: an acyclic run by
 *       back-substitution; a cyclic block by the transposed solve {@code J_B^T lambda_B = rhs} with the
 *       block's last LU factors (the implicit function theorem), rhs being the seed plus what later
 *       nodes pushed back, after which lambda_B flows on to the block's arguments outside it.</li>
 * </ul>
 * The gradient is {@code lambda_{1:d}}. O(n + edges) for the acyclic parts, plus per cyclic block of
 * m unknowns O(m^3) per Newton iteration and O(m^2) for its multipliers; O(n + sum m^2) memory.
 *
 * <p>A block that fails ends the solve with its status (SINGULAR, NOT_CONVERGED, NON_FINITE) and a
 * message naming its variables; later segments are not solved and there is no gradient.
 */
public final class BlockCoordinateSolver implements Solver {
    private final SolveOptions options;
    private final NewtonOptions newton;

    public BlockCoordinateSolver(SolveOptions options, NewtonOptions newton) {
        this.options = options;
        this.newton = newton;
    }

    public BlockCoordinateSolver(SolveOptions options) {
        this(options, NewtonOptions.defaults());
    }

    public BlockCoordinateSolver() {
        this(SolveOptions.defaults());
    }

    public SolveOptions options() {
        return options;
    }

    public NewtonOptions newtonOptions() {
        return newton;
    }

    @Override
    public SolveResult solve(Program program, double[] x) {
        return solveFactored(program, x).result();
    }

    /**
     * A solve and the factored Jacobian of each cyclic block at its solution (null for an acyclic
     * segment, and for every segment after a failure): what {@link ImplicitHessian} reuses.
     */
    public record Factored(SolveResult result, BlockFactors[] factors) {
    }

    /** {@link #solve}, keeping each cyclic block's factors. */
    public Factored solveFactored(Program program, double[] x) {
        if (x.length != program.inputCount()) {
            throw new IllegalArgumentException("expected " + program.inputCount() + " inputs, got " + x.length);
        }
        x = x.clone();
        double[] z = new double[program.slotCount()];
        Condensation segments = program.blocks();
        int count = segments.segmentCount();
        List<BlockReport> reports = new ArrayList<>();
        BlockFactors[] factors = new BlockFactors[count];
        NewtonBlockSolver blockSolver = new NewtonBlockSolver(options, newton);
        for (int k = 0; k < count; k++) {
            int from = segments.segmentStart(k);
            int to = segments.segmentEnd(k);
            if (!segments.segmentIsCyclic(k)) {
                int bad = ForwardPass.solve(program, x, z, from, to);
                if (bad >= 0) {
                    return new Factored(failure(SolveStatus.NON_FINITE, nonFiniteValue(program, z, bad), program, x, z,
                            null, reports), new BlockFactors[count]);
                }
                reports.add(new BlockReport(BlockReport.variablesOf(program, from, to), false, "substitution", 1, 0, Double.NaN,
                        List.of()));
                continue;
            }
            NewtonBlockSolver.Outcome outcome = blockSolver.solve(program, x, z, from, to);
            reports.add(outcome.report());
            if (!outcome.isConverged()) {
                return new Factored(failure(outcome.status(), outcome.message(), program, x, z, null, reports),
                        new BlockFactors[count]);
            }
            factors[k] = outcome.factors();
        }
        double[] lambda = BackSubstitution.objectiveSeed(program);
        double[] multiplierResiduals = multipliers(program, factors, z, lambda);
        for (int k = 0; k < count; k++) {
            if (factors[k] != null) {
                reports.set(k, reports.get(k).withMultiplierResidual(multiplierResiduals[k]));
            }
        }
        int bad = BackSubstitution.firstNonFinite(program, lambda);
        if (bad >= 0) {
            return new Factored(failure(SolveStatus.NON_FINITE, "the multiplier of '" + program.label(bad) + "' is "
                    + lambda[program.slot(bad)] + " (a local partial derivative is not finite there)",
                    program, x, z, lambda, reports), factors);
        }
        Lagrangian.Residuals residuals = Lagrangian.of(program).residuals(x, z, lambda);
        int cyclic = segments.cyclicCount();
        String message = cyclic == 0 ? "solved by substitution"
                : "solved: " + cyclic + " cyclic block" + (cyclic == 1 ? "" : "s") + " by Newton's method, the rest by "
                        + "substitution";
        return new Factored(new SolveResult(SolveStatus.CONVERGED, message, program, x, z, lambda,
                BackSubstitution.inputMultipliers(program, lambda), residuals, reports), factors);
    }

    /**
     * The lambda-step from a seed: back-substitution over the acyclic segments and the transposed
     * solve with each cyclic block's factors, last segment first.
     *
     * @param z Not modified: the solution.
     * @param lambda Modified: the seed on entry (and any right-hand sides), the multipliers on exit.
     * @param factors Not modified: a block's factors, or null for an acyclic segment.
     * @return per segment, {@code ||J_B^T lambda_B - rhs||_inf} (0 for an acyclic one)
     */
    public static double[] multipliers(Program program, BlockFactors[] factors, double[] z, double[] lambda) {
        Condensation segments = program.blocks();
        double[] residuals = new double[factors.length];
        for (int k = factors.length - 1; k >= 0; k--) {
            if (factors[k] == null) {
                BackSubstitution.solve(program, z, lambda, segments.segmentStart(k), segments.segmentEnd(k));
            } else {
                residuals[k] = factors[k].solveMultipliers(z, lambda);
            }
        }
        return residuals;
    }

    private static SolveResult failure(SolveStatus status, String message, Program program, double[] x, double[] z,
            double[] lambda, List<BlockReport> reports) {
        return new SolveResult(status, message, program, x, z, lambda, null,
                new Lagrangian.Residuals(Double.NaN, Double.NaN, -1, -1), reports);
    }

    /** A message for the first node whose value is not finite, with its primitive and its arguments. */
    static String nonFiniteValue(Program program, double[] z, int node) {
        if (program.isVector(node)) {
            int s = program.slot(node);
            int k = 0;
            while (k < program.width(node) - 1 && Double.isFinite(z[s + k])) {
                k++;
            }
            StringBuilder m = new StringBuilder("entry " + (k + 1) + " of '" + program.label(node) + "' = "
                    + program.symbol(node) + "(");
            int[] a = program.arguments(node);
            for (int j = 0; j < a.length; j++) {
                m.append(j > 0 ? ", " : "").append(program.label(a[j]));
            }
            return m.append(") is ").append(z[s + k]).toString();
        }
        Primitive f = program.primitive(node);
        String value = String.valueOf(z[program.slot(node)]);
        if (f == Primitive.INPUT) {
            return "input '" + program.label(node) + "' is " + value;
        }
        if (f == Primitive.CONSTANT) {
            return "the constant " + (program.name(node) == null ? "" : "'" + program.name(node) + "' ") + "is " + value
                    + " (Infinity or NaN written in the program or folded from constants)";
        }
        StringBuilder s = new StringBuilder("'" + program.label(node) + "' = " + f.symbol() + "(");
        int[] a = program.arguments(node);
        for (int k = 0; k < a.length; k++) {
            s.append(k > 0 ? ", " : "").append(program.label(a[k])).append(" = ").append(z[program.slot(a[k])]);
        }
        return s.append(") is ").append(value).toString();
    }

}
