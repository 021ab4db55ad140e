package dev.lagrange.cli;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.program.Program;
import dev.lagrange.program.SecondOrder;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.ImplicitHessian;
import dev.lagrange.solve.SolveException;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.Solver;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *
 * <p>{@code --hvp NAME=VALUE ...} adds one Hessian-vector product {@code H v} of the objective, v
 * given entry by entry ({@link SecondOrder}, or {@link ImplicitHessian} through cyclic blocks).
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

    @Option(names = "--hvp", paramLabel = "NAME=VALUE", description = "Also prints the Hessian of the objective "
            + "times the direction v given entry by entry (inputs not named are 0): one Hessian-vector product, "
            + "through cyclic blocks by second-order implicit differentiation.")
    Map<String, String> hvp = new LinkedHashMap<>();

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
        double[] direction = null;
        double[] product = null;
        if (!hvp.isEmpty()) {
            direction = new double[program.inputCount()];
            for (Map.Entry<String, String> e : hvp.entrySet()) {
                String given = "--hvp " + e.getKey() + "=" + e.getValue();
                direction[options.inputIndex(program, e.getKey(), given)] = ProgramOptions.number(e.getValue(), given);
            }
            product = hessianTimes(loaded, program, x, direction);
        }
        if (json) {
            Map<String, Object> o = Reports.json(r, verdict);
            if (product != null) {
                Map<String, Object> pair = new LinkedHashMap<>();
                pair.put("direction", byInput(program, direction));
                pair.put("product", byInput(program, product));
                o.put("hvp", pair);
            }
            Json.write(o, main.out);
            main.out.println();
        } else {
            Reports.table(r, verdict, main.out);
            if (product != null) {
                StringBuilder s = new StringBuilder("\nhessian-vector product H v of " + program.label(program.objective())
                        + "\n");
                int width = 5;
                for (int k = 0; k < program.inputCount(); k++) {
                    width = Math.max(width, program.inputLabel(k).length());
                }
                s.append(String.format("%-" + width + "s  %-22s  %s%n", "input", "v", "(H v)"));
                for (int k = 0; k < program.inputCount(); k++) {
                    s.append(String.format("%-" + width + "s  %-22s  %s%n", program.inputLabel(k), direction[k],
                            product[k]));
                }
                main.out.print(s);
                main.out.flush();
            }
        }
        if (verdict != null && !verdict.passed()) {
            GradientCheck.Comparison worst = verdict.report().worst();
            throw new Failure(Main.EXIT_NUMERICAL, loaded.file() + ": error: the gradient check failed: relative error "
                    + worst.maxRelativeError() + " at " + worst.where() + " by " + worst.method()
                    + " exceeds the tolerance " + CHECK_TOLERANCE);
        }
        return 0;
    }

    /** H v at x: by second-order adjoints, or through cyclic blocks at their solution. */
    private static double[] hessianTimes(ProgramOptions.Loaded loaded, Program program, double[] x, double[] v) {
        try {
            return program.isAcyclic() ? SecondOrder.of(program).hessianTimes(x, v)
                    : ImplicitHessian.at(program, x, (BlockCoordinateSolver) solver()).hessianTimes(v);
        } catch (SolveException e) {
            throw new Failure(Main.EXIT_NUMERICAL, failureMessage(loaded.file(), e.result()));
        }
    }

    private static Map<String, Object> byInput(Program program, double[] values) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < values.length; k++) {
            m.put(program.inputLabel(k), values[k]);
        }
        return m;
    }

    /** The message of a solve that did not converge; the solver's message names the variables. */
    static String failureMessage(String file, SolveResult r) {
        return file + ": error: " + r.status().jsonName().replace('_', ' ') + ": " + r.message();
    }
}
