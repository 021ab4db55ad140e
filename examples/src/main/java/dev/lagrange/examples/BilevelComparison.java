package dev.lagrange.examples;

import dev.lagrange.examples.RidgeBilevel.Scale;
import dev.lagrange.examples.RidgeBilevel.Split;
import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Measures the two ways of getting {@code dL_dev/dlog lambda} for ridge regression
 * ({@link RidgeBilevel}): the implicit {@code solve} block, and back-substitution through T unrolled
 * steps of inner gradient descent. For each: the program's nodes, argument edges and parameters,
 * the bytes allocated to build it and to solve it once (values, multipliers, factors, residuals; the
 * JVM's per-thread allocation counter, so an upper bound on what is retained), the median wall time of
 * each over repeated runs after a warm-up, and the value and hypergradient found.
 */
public final class BilevelComparison {
    private BilevelComparison() {
    }

    /** One row of the table. */
    public record Row(String method, int nodes, long edges, long parameters, long buildBytes, long solveBytes,
            double buildMillis, double solveMillis, double loss, double gradient) {
    }

    /** Measures the implicit program and the unrolled ones at {@code log lambda}. */
    public static List<Row> measure(Split split, double logLambda, int[] steps) {
        double eta = RidgeBilevel.stepSize(split.train());
        List<Row> rows = new ArrayList<>();
        rows.add(row("implicit (solve block)",
                () -> RidgeBilevel.implicit(split.train(), split.dev(), Scale.LOG, logLambda), logLambda));
        for (int t : steps) {
            rows.add(row("unrolled, T = " + t,
                    () -> RidgeBilevel.unrolled(split.train(), split.dev(), Scale.LOG, logLambda, t, eta), logLambda));
        }
        return rows;
    }

    /** The measurements as a Markdown table. */
    public static String table(Split split, double logLambda, int[] steps) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "At log lambda = %.4f (inner step eta = 1/||G||_inf = %.3g):%n%n", logLambda,
                RidgeBilevel.stepSize(split.train())));
        s.append("| method | nodes | edges | build bytes | solve bytes | build ms | solve ms | L_dev | dL_dev/dlog lambda |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : measure(split, logLambda, steps)) {
            s.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.2f | %.2f | %.6f | %.6f |%n", r.method(),
                    r.nodes(), r.edges(), r.buildBytes(), r.solveBytes(), r.buildMillis(), r.solveMillis(), r.loss(),
                    r.gradient()));
        }
        return s.toString();
    }

    private static Row row(String method, Supplier<Program> build, double logLambda) {
        var solver = new BlockCoordinateSolver();
        double[] x = {logLambda};
        Program program = build.get();
        for (int k = 0; k < 3; k++) {
            solver.solve(build.get(), x); // warm-up: class loading and JIT out of the timings
        }
        int repeats = 7;
        double[] buildTimes = new double[repeats];
        double[] solveTimes = new double[repeats];
        long buildBytes = Long.MAX_VALUE;
        long solveBytes = Long.MAX_VALUE;
        SolveResult r = null;
        for (int k = 0; k < repeats; k++) {
            long a0 = allocated();
            long t0 = System.nanoTime();
            program = build.get();
            long t1 = System.nanoTime();
            long a1 = allocated();
            r = solver.solve(program, x);
            long t2 = System.nanoTime();
            long a2 = allocated();
            buildTimes[k] = (t1 - t0) / 1e6;
            solveTimes[k] = (t2 - t1) / 1e6;
            buildBytes = Math.min(buildBytes, a1 - a0);
            solveBytes = Math.min(solveBytes, a2 - a1);
        }
        long edges = 0;
        long parameters = 0;
        for (int i = 0; i < program.size(); i++) {
            edges += program.arity(i);
            parameters += program.parameters(i).length;
        }
        r.orThrow();
        return new Row(method, program.size(), edges, parameters, buildBytes, solveBytes, median(buildTimes),
                median(solveTimes), r.objectiveValue(), r.gradient()[0]);
    }

    /** Bytes allocated so far by this thread, or 0 where the JVM does not count them. */
    private static long allocated() {
        var bean = ManagementFactory.getThreadMXBean();
        if (bean instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
            return sun.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return 0;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    public static void main(String[] args) {
        Split split = RidgeBilevel.standardisedSplit(RidgeBilevel.diabetes());
        double logLambda = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        System.out.println(table(split, logLambda, new int[] {10, 100, 1000}));
    }
}
