package dev.lagrange.cli;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.Solver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lagrange solve FILE}: solves every constraint, then every multiplier, and prints values,
 * multipliers, the gradient and the residuals, as a table or as the JSON object of the contract.
 *
 * <p>{@code --check} compares the gradient with forward mode (acyclic programs), central
 * differences with one Richardson step, and central differences along 3 random directions (seed
 * 345); it fails (exit 3) when the largest relative error {@code |a - b| / max(|a|, |b|, floor)}
 * exceeds {@link #CHECK_TOLERANCE}, with {@code floor = 1e-4 max(1, |f|)}: the differences' rounding
 * error grows with |f|, and the floor keeps it from counting as a relative error where a gradient
 * component is (near) zero.
 */
@Command(name = "solve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Solves the program's constraints and multipliers; prints values, multipliers, the gradient "
                + "and the residuals.")
final class SolveCommand extends ProgramCommand {
    /** The largest relative error {@code --check} accepts. */
    static final double CHECK_TOLERANCE = 1e-6;

    @Option(names = "--json", description = "Prints one JSON object (the machine contract) instead of a table.")
    boolean json;

    @Option(names = "--check", description = "Verifies the gradient by forward mode and finite differences "
            + "(fails with exit status 3 above a relative error of 1e-6).")
    boolean check;

    /** The solver every command uses. */
    static Solver solver() {
        return new BlockCoordinateSolver();
    }

    @Override
    public Integer call() {
        ProgramOptions.Loaded loaded = options.load(main, true);
        Program program = loaded.program();
        double[] x = loaded.inputs();
        Solver solver = solver();
        SolveResult r = solver.solve(program, x);
        if (!r.isConverged()) {
            if (json) {
                main.out.println(Json.write(Reports.failureJson(r)));
            }
            throw new Failure(Main.EXIT_NUMERICAL, failureMessage(loaded.file(), r));
        }
        Reports.Check verdict = null;
        if (check) {
            GradientCheck gc = program.isAcyclic() ? GradientCheck.of(program)
                    : GradientCheck.of(program, xs -> solver.solve(program, xs).objectiveValue());
            gc = gc.withFloor(1e-4 * Math.max(1, Math.abs(r.objectiveValue())));
            verdict = new Reports.Check(gc.check(x, r.gradient()), CHECK_TOLERANCE);
        }
        if (json) {
            Json.write(Reports.json(r, verdict), main.out);
            main.out.println();
        } else {
            Reports.table(r, verdict, main.out);
        }
        if (verdict != null && !verdict.passed()) {
            GradientCheck.Comparison worst = verdict.report().worst();
            throw new Failure(Main.EXIT_NUMERICAL, loaded.file() + ": error: the gradient check failed: relative error "
                    + worst.maxRelativeError() + " at " + worst.where() + " by " + worst.method()
                    + " exceeds the tolerance " + CHECK_TOLERANCE);
        }
        return 0;
    }

    /** The message of a solve that did not converge; the solver's message names the variables. */
    static String failureMessage(String file, SolveResult r) {
        return file + ": error: " + r.status().jsonName().replace('_', ' ') + ": " + r.message();
    }
}
