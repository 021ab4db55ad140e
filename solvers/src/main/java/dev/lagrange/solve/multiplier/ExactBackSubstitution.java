package dev.lagrange.solve.multiplier;

import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import java.util.List;

/**
 * The reference: {@link BlockCoordinateSolver}, the forward pass then exact back-substitution
 * (backprop; the implicit-function-theorem solve on cyclic blocks), with a one-row history. O(n +
 * edges) on acyclic programs.
 */
public final class ExactBackSubstitution implements MultiplierSolver {
    private final BlockCoordinateSolver solver;

    public ExactBackSubstitution(SolveOptions options) {
        this.solver = new BlockCoordinateSolver(options);
    }

    public ExactBackSubstitution() {
        this(SolveOptions.defaults());
    }

    @Override
    public String name() {
        return "back-substitution";
    }

    @Override
    public IterativeResult solveWithHistory(Program program, double[] x) {
        long start = System.nanoTime();
        SolveResult r = solver.solve(program, x);
        if (!r.isConverged()) {
            return new IterativeResult(r, List.of());
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        return new IterativeResult(r, List.of(new Iterate(1, r.residuals().constraints(), r.residuals().multipliers(),
                r.objectiveValue(), seconds)));
    }
}
