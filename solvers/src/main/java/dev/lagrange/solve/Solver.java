package dev.lagrange.solve;

import dev.lagrange.program.Program;

/**
 * Solves grad L = 0 for a program at given inputs: the constraints for z, the multiplier
 * equations for lambda, and so the gradient {@code lambda_{1:d}}. Implementations are stateless
 * and thread-safe; a numerical failure is a status of the result, never an exception.
 */
public interface Solver {
    /**
     * @param program the program; its first output is the objective
     * @param x Not modified: the inputs x_1..x_d
     */
    SolveResult solve(Program program, double[] x);
}
