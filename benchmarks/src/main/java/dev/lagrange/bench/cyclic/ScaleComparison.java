package dev.lagrange.bench.cyclic;

import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.BlockReport;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.newton.NewtonOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Policy evaluation of a {@link RandomMdp} at scale, timed in one run against SciPy: the Java solve
 * (values V and all reward gradients {@code dJ/dr = lambda}, one {@link BlockCoordinateSolver} call),
 * then {@code scipy.sparse.linalg.spsolve} on {@code I - gamma P} and on its transpose, the same
 * matrices written as Matrix Market files.
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.lagrange.bench.cyclic.ScaleComparison \
 *        [states=100000] [successors=10] [scipyTimeoutSeconds=600] [script=benchmarks/src/main/python/spsolve_mdp.py] \
 *        [krylovAbove=5000]
 * </pre>
 * Prints the block's method, the Java times (best of three after one warm-up solve), SciPy's times
 * and their ratio, and the largest differences between the two solutions.
 */
public final class ScaleComparison {
    private ScaleComparison() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int states = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int successors = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        long timeout = args.length > 2 ? Long.parseLong(args[2]) : 600;
        String script = args.length > 3 ? args[3] : "benchmarks/src/main/python/spsolve_mdp.py";
        int krylovAbove = args.length > 4 ? Integer.parseInt(args[4]) : NewtonOptions.defaults().krylovAbove();
        double gamma = 0.9;

        long t0 = System.nanoTime();
        RandomMdp mdp = new RandomMdp(states, successors, gamma, 42);
        Program program = mdp.program();
        double build = seconds(t0);
        double[] x = program.inputDefaults();
        BlockCoordinateSolver solver = new BlockCoordinateSolver(SolveOptions.defaults(),
                NewtonOptions.defaults().withKrylovAbove(krylovAbove));
        SolveResult result = solver.solve(program, x).orThrow();
        double best = Double.POSITIVE_INFINITY;
        for (int run = 0; run < 3; run++) {
            long t = System.nanoTime();
            result = solver.solve(program, x).orThrow();
            best = Math.min(best, seconds(t));
        }
        BlockReport block = result.blocks().stream().filter(BlockReport::cyclic).findFirst().orElseThrow();
        System.out.printf(Locale.ROOT, "states=%d successors=%d gamma=%.2f: program of %d nodes built in %.3f s%n",
                states, successors, gamma, program.size(), build);
        System.out.printf(Locale.ROOT, "java: block of %d unknowns by %s, %d Newton iterations, residual %.2g, "
                + "multiplier residual %.2g; solve (V and all %d dJ/dr) %.4f s (best of 3)%n",
                block.variables().size(), block.method(), block.iterations(), block.residual(),
                block.multiplierResidual(), states, best);

        double[] v = new double[states];
        double[] lambda = Arrays.copyOf(result.gradient(), states);
        for (int s = 0; s < states; s++) {
            v[s] = result.z()[program.slot(program.nodeNamed("V" + s))];
        }
        Path directory = Path.of("benchmarks", "target", "cyclic");
        String stem = "mdp-" + states;
        mdp.write(directory, stem);
        RandomMdp.writeVector(directory.resolve(stem + "-java-V.txt"), v);
        RandomMdp.writeVector(directory.resolve(stem + "-java-lambda.txt"), lambda);

        Process python = new ProcessBuilder("python3", script, directory.toString(), stem).redirectErrorStream(true)
                .start();
        String line;
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(python.getInputStream(),
                StandardCharsets.UTF_8))) {
            if (!python.waitFor(timeout, TimeUnit.SECONDS)) {
                python.destroyForcibly();
                System.out.printf(Locale.ROOT, "scipy: spsolve did not finish in %d s; ratio scipy/java > %.0f%n",
                        timeout, timeout / best);
                return;
            }
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
            }
        }
        String text = output.toString().trim();
        System.out.println("scipy: " + text);
        double scipy = field(text, "spsolve_s") + field(text, "spsolve_transposed_s");
        if (Double.isFinite(scipy)) {
            System.out.printf(Locale.ROOT, "ratio (scipy spsolve both systems) / (java solve) = %.2f%n", scipy / best);
        }
    }

    private static double field(String text, String key) {
        for (String pair : text.split("\\s+")) {
            if (pair.startsWith(key + "=")) {
                return Double.parseDouble(pair.substring(key.length() + 1));
            }
        }
        return Double.NaN;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) * 1e-9;
    }
}
