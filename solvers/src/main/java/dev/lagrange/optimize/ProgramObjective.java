package dev.lagrange.optimize;

import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.Solver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A program's objective as a function {@code f(x_F)} of its free inputs F, the other inputs held at
 * fixed values: one evaluation is one solve, which returns the value {@code z_n} and, from the
 * multipliers, the whole gradient {@code df/dx_F = lambda_F} (for a cyclic block or a {@code solve}
 * block, by the implicit function theorem). Cost per evaluation: that of the solver, O(n + edges) for
 * an acyclic program. Immutable; {@code over}, {@code at} and {@code withSolver} return copies.
 */
public final class ProgramObjective {
    private final Program program;
    private final Solver solver;
    private final int[] free;
    private final double[] base;

    private ProgramObjective(Program program, Solver solver, int[] free, double[] base) {
        this.program = program;
        this.solver = solver;
        this.free = free;
        this.base = base;
    }

    /**
     * The objective of {@code program} over all its inputs, from their defaults, solved by a default
     * {@link BlockCoordinateSolver}.
     */
    public static ProgramObjective of(Program program) {
        int[] all = new int[program.inputCount()];
        Arrays.setAll(all, k -> k);
        return new ProgramObjective(program, new BlockCoordinateSolver(), all, program.inputDefaults());
    }

    /**
     * This objective over the named inputs only, in the given order; the others stay at their
     * current values.
     *
     * @throws IllegalArgumentException naming a variable that is missing or not an input
     */
    public ProgramObjective over(String... names) {
        int[] f = new int[names.length];
        for (int k = 0; k < names.length; k++) {
            int node = program.nodeNamed(names[k]);
            if (node < 0) {
                throw new IllegalArgumentException("no variable named '" + names[k] + "'");
            }
            f[k] = program.inputIndex(node);
            if (f[k] < 0) {
                throw new IllegalArgumentException("'" + names[k] + "' is not an input");
            }
        }
        return new ProgramObjective(program, solver, f, base);
    }

    /**
     * This objective with all inputs' values set (the free ones give the default start).
     *
     * @param x Not modified: one value per input of the program
     */
    public ProgramObjective at(double... x) {
        if (x.length != program.inputCount()) {
            throw new IllegalArgumentException("expected " + program.inputCount() + " inputs, got " + x.length);
        }
        return new ProgramObjective(program, solver, free, x.clone());
    }

    public ProgramObjective withSolver(Solver s) {
        return new ProgramObjective(program, s, free, base);
    }

    public Program program() {
        return program;
    }

    /** The number of free inputs. */
    public int dimension() {
        return free.length;
    }

    /** The names of the free inputs, in order. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (int k : free) {
            names.add(program.inputLabel(k));
        }
        return names;
    }

    /** The current values of the free inputs: the default starting point. */
    public double[] start() {
        double[] x = new double[free.length];
        for (int k = 0; k < free.length; k++) {
            x[k] = base[free[k]];
        }
        return x;
    }

    /**
     * Solves the program with the free inputs set to {@code x}.
     *
     * @param x Not modified: the free inputs
     */
    public SolveResult solve(double[] x) {
        if (x.length != free.length) {
            throw new IllegalArgumentException("expected " + free.length + " free inputs, got " + x.length);
        }
        double[] all = base.clone();
        for (int k = 0; k < free.length; k++) {
            all[free[k]] = x[k];
        }
        return solver.solve(program, all);
    }

    /** The free part {@code lambda_F} of a converged solve's gradient. Not modified: r. */
    public double[] gradient(SolveResult r) {
        double[] g = new double[free.length];
        for (int k = 0; k < free.length; k++) {
            g[k] = r.gradient()[free[k]];
        }
        return g;
    }
}
