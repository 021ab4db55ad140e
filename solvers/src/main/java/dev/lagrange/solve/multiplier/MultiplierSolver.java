package dev.lagrange.solve.multiplier;

import dev.lagrange.program.Program;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.Solver;

/**
 * A {@link Solver} that reports how it got there: every implementation in this package solves
 * grad L = 0 for the same program and inputs and returns the same {@link SolveResult}, so they are
 * interchangeable; {@link #solveWithHistory} adds one {@link Iterate} per iteration.
 */
public interface MultiplierSolver extends Solver {
    /** A short name for tables and plots ("jacobi", "augmented-lagrangian", ...), without commas (it is a CSV field). */
    String name();

    /**
     * @param program the program; its first output is the objective
     * @param x Not modified: the inputs
     */
    IterativeResult solveWithHistory(Program program, double[] x);

    @Override
    default SolveResult solve(Program program, double[] x) {
        return solveWithHistory(program, x).result();
    }
}
