package dev.lagrange.examples;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.multiplier.AugmentedLagrangian;
import dev.lagrange.solve.multiplier.BlockAdmm;
import dev.lagrange.solve.multiplier.DualAscent;
import dev.lagrange.solve.multiplier.ExactBackSubstitution;
import dev.lagrange.solve.multiplier.Iterate;
import dev.lagrange.solve.multiplier.IterativeResult;
import dev.lagrange.solve.multiplier.Lasso;
import dev.lagrange.solve.multiplier.LassoAdmm;
import dev.lagrange.solve.multiplier.MultiplierSolver;
import dev.lagrange.solve.multiplier.MultiplierSweeps;
import dev.lagrange.solve.multiplier.ProximalGradient;
import dev.lagrange.solve.multiplier.ResidualBalancing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * Every multiplier method on one program, and ADMM against proximal gradient on Boyd's lasso, with
 * their convergence histories written as CSV (and PNG plots) for comparison.
 * <ul>
 *   <li>The program: the squared loss of a 3-4-1 tanh network on three samples,
 *       {@code J = (1/3) sum_s (W2 . tanh(W1 x_s + b1) + b2 - y_s)^2}, whose inputs are the weights, so the
 *       multipliers of the inputs are the weight gradient. Back-substitution is the reference; Jacobi,
 *       Gauss-Seidel, dual ascent (step 0.5 and steepest), the augmented Lagrangian and ADMM over three
 *       blocks (hidden layer, output layer, the rest) reach the same gradient; ADMM with Boyd's default
 *       tolerances stops about 1e-1 away from it, with tight ones it gets there slowly.</li>
 *   <li>The lasso: 150 x 500, 5% sparse truth, lambda = 0.1 lambda_max (Boyd et al. 2011, section 6.4);
 *       suboptimality per iteration of ISTA, FISTA, ADMM and over-relaxed ADMM.</li>
 * </ul>
 * Writes {@code program-history.csv}, {@code lasso-history.csv}, {@code program-history.png} and
 * {@code lasso-history.png} to the directory given as the first argument (default
 * {@code target/multiplier-methods}).
 */
public final class MultiplierMethods {
    private static final double[][] SAMPLES = {{0.5, -1, 2}, {-1.5, 0.3, 0.7}, {0.2, 0.9, -0.4}};
    private static final double[] TARGETS = {0.3, -0.6, 0.8};
    private static final int HIDDEN = 4;

    private MultiplierMethods() {
    }

    /** The network-loss program; its inputs are W1 (row-major), b1, W2, b2 with seeded defaults. */
    public static Program network() {
        var b = Program.builder();
        int d = SAMPLES[0].length;
        java.util.Random random = new java.util.Random(3);
        Var[][] w1 = new Var[HIDDEN][d];
        Var[] b1 = new Var[HIDDEN];
        Var[] w2 = new Var[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
            for (int k = 0; k < d; k++) {
                w1[j][k] = b.input("W1_" + j + k, random.nextGaussian() * 0.7);
            }
            b1[j] = b.input("b1_" + j, 0.1 * random.nextGaussian());
            w2[j] = b.input("W2_" + j, random.nextGaussian() * 0.7);
        }
        Var b2 = b.input("b2", 0);
        Var[] losses = new Var[SAMPLES.length];
        for (int s = 0; s < SAMPLES.length; s++) {
            Var[] terms = new Var[HIDDEN + 1];
            for (int j = 0; j < HIDDEN; j++) {
                double[] c = new double[d + 1];
                Var[] args = new Var[d + 1];
                for (int k = 0; k < d; k++) {
                    c[k] = SAMPLES[s][k];
                    args[k] = w1[j][k];
                }
                c[d] = 1;
                args[d] = b1[j];
                Var a = b.let("L1_a" + s + j, b.weightedSum(0, c, args));
                Var h = b.let("L1_h" + s + j, b.tanh(a));
                terms[j] = b.let("L2_p" + s + j, b.mul(w2[j], h));
            }
            terms[HIDDEN] = b2;
            Var out = b.let("L2_o" + s, b.sum(terms));
            losses[s] = b.let("L2_e" + s, b.pow(b.add(out, -TARGETS[s]), 2));
        }
        double[] mean = new double[SAMPLES.length];
        java.util.Arrays.fill(mean, 1.0 / SAMPLES.length);
        return b.output(b.let("J", b.weightedSum(0, mean, losses))).build();
    }

    /** The ADMM blocks: the hidden layer's nodes, then the output layer's; the rest form a last block. */
    public static List<int[]> layers(Program p) {
        return List.of(prefixed(p, "L1_"), prefixed(p, "L2_"));
    }

    private static int[] prefixed(Program p, String prefix) {
        return IntStream.range(0, p.size()).filter(i -> p.name(i) != null && p.name(i).startsWith(prefix)).toArray();
    }

    /** The methods compared on the program, back-substitution first. */
    public static List<MultiplierSolver> methods(Program p) {
        SolveOptions tight = SolveOptions.defaults().withTolerance(1e-11).withMaxIterations(100000);
        return List.of(
                new ExactBackSubstitution(),
                new MultiplierSweeps(MultiplierSweeps.Order.JACOBI, tight),
                new MultiplierSweeps(MultiplierSweeps.Order.GAUSS_SEIDEL, tight),
                new DualAscent(DualAscent.Step.FIXED, 0.5, tight),
                new DualAscent(DualAscent.Step.STEEPEST, 1, tight),
                new AugmentedLagrangian(SolveOptions.defaults().withTolerance(1e-9).withMaxIterations(200)),
                new BlockAdmm(layers(p), SolveOptions.defaults().withMaxIterations(5000)),
                // tight tolerances need a stiffer start on this nonconvex program (rho 10 stalls near 1e-2)
                new BlockAdmm(layers(p), SolveOptions.defaults().withMaxIterations(5000), 100, ResidualBalancing.boyd(), 1e-8,
                        0));
    }

    /** The program methods' results, by name. */
    public static Map<String, IterativeResult> runProgram(Program p) {
        Map<String, IterativeResult> results = new LinkedHashMap<>();
        for (MultiplierSolver m : methods(p)) {
            results.put(m.name(), m.solveWithHistory(p, p.inputDefaults()));
        }
        return results;
    }

    /** The lasso instance of the example. */
    public static Lasso lasso() {
        return Lasso.seeded(1, 150, 500, 0.05);
    }

    /** The lasso methods' solutions, by name. */
    public static Map<String, Lasso.Solution> runLasso(Lasso p) {
        Map<String, Lasso.Solution> results = new LinkedHashMap<>();
        results.put("ista", ProximalGradient.ista(1e-10, 5000).solve(p));
        results.put("fista", ProximalGradient.fista(1e-10, 5000).solve(p));
        results.put("admm", LassoAdmm.boyd(5000).withTolerances(1e-10, 0).solve(p));
        results.put("admm(alpha=1.5)", LassoAdmm.boyd(5000).withTolerances(1e-10, 0).withAlpha(1.5).solve(p));
        return results;
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/multiplier-methods");
        Program program = network();
        Map<String, IterativeResult> programResults = runProgram(program);
        double[] reference = programResults.get("back-substitution").result().gradient();
        System.out.println("3-4-1 tanh network, squared loss on 3 samples: " + program.size() + " nodes, "
                + program.inputCount() + " weights");
        System.out.printf(Locale.ROOT, "  %-34s %-14s %10s %12s %12s %12s%n", "method", "status", "iterations",
                "constraint", "stationarity", "|grad - bp|");
        StringBuilder csv = new StringBuilder("method,iteration,constraint_residual,stationarity_residual,objective,seconds\n");
        for (Map.Entry<String, IterativeResult> e : programResults.entrySet()) {
            IterativeResult r = e.getValue();
            double[] g = r.result().gradient();
            double diff = 0;
            for (int k = 0; g != null && k < g.length; k++) {
                diff = Math.max(diff, Math.abs(g[k] - reference[k]));
            }
            System.out.printf(Locale.ROOT, "  %-34s %-14s %10d %12.2e %12.2e %12.2e%n", e.getKey(),
                    r.result().status().jsonName(), r.iterations(), r.result().residuals().constraints(),
                    r.result().residuals().multipliers(), g == null ? Double.NaN : diff);
            for (Iterate it : r.history()) {
                csv.append(String.format(Locale.ROOT, "%s,%d,%.6e,%.6e,%.12e,%.6e%n", e.getKey(), it.iteration(),
                        it.constraintResidual(), it.stationarityResidual(), it.objective(), it.seconds()));
            }
        }
        Lasso lasso = lasso();
        Map<String, Lasso.Solution> lassoResults = runLasso(lasso);
        double pStar = Double.POSITIVE_INFINITY;
        for (Lasso.Solution s : lassoResults.values()) {
            for (Iterate it : s.history()) {
                pStar = Math.min(pStar, it.objective());
            }
        }
        System.out.printf(Locale.ROOT, "lasso 150 x 500, lambda = %.4f, p* = %.10f (best objective seen)%n",
                lasso.lambda(), pStar);
        System.out.printf(Locale.ROOT, "  %-16s %12s %12s %12s %12s%n", "method", "to 1e-2", "to 1e-3", "to 1e-4",
                "to 1e-6");
        StringBuilder lassoCsv = new StringBuilder("method,iteration,suboptimality,primal_residual,dual_residual,seconds\n");
        for (Map.Entry<String, Lasso.Solution> e : lassoResults.entrySet()) {
            Lasso.Solution s = e.getValue();
            System.out.printf(Locale.ROOT, "  %-16s %12d %12d %12d %12d%n", e.getKey(), s.iterationsTo(pStar, 1e-2),
                    s.iterationsTo(pStar, 1e-3), s.iterationsTo(pStar, 1e-4), s.iterationsTo(pStar, 1e-6));
            for (Iterate it : s.history()) {
                lassoCsv.append(String.format(Locale.ROOT, "%s,%d,%.6e,%.6e,%.6e,%.6e%n", e.getKey(), it.iteration(),
                        (it.objective() - pStar) / pStar, it.constraintResidual(), it.stationarityResidual(),
                        it.seconds()));
            }
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("program-history.csv"), csv);
            Files.writeString(dir.resolve("lasso-history.csv"), lassoCsv);
            plotProgram(programResults, dir.resolve("program-history.png"));
            plotLasso(lassoResults, pStar, dir.resolve("lasso-history.png"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("wrote " + dir.resolve("program-history.csv") + ", " + dir.resolve("lasso-history.csv")
                + " and their .png plots");
    }

    private static void plotProgram(Map<String, IterativeResult> results, Path file) throws IOException {
        XYChart chart = chart("Multiplier methods on a 3-4-1 tanh network", "iteration", "max(|c|, |dL/dz|)");
        chart.getStyler().setXAxisLogarithmic(true);
        for (Map.Entry<String, IterativeResult> e : results.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Iterate it : e.getValue().history()) {
                // an exact zero (Gauss-Seidel, Jacobi at its last sweep) is drawn at the floor of the plot
                double y = Math.max(1e-17, Math.max(it.constraintResidual(), it.stationarityResidual()));
                if (it.iteration() <= 20000) {
                    xs.add((double) it.iteration());
                    ys.add(y);
                }
            }
            if (!xs.isEmpty()) {
                chart.addSeries(e.getKey(), xs, ys);
            }
        }
        Png.write(chart, file);
    }

    private static void plotLasso(Map<String, Lasso.Solution> results, double pStar, Path file) throws IOException {
        XYChart chart = chart("Lasso 150 x 500: ADMM vs ISTA/FISTA", "iteration", "(f - p*) / p*");
        for (Map.Entry<String, Lasso.Solution> e : results.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Iterate it : e.getValue().history()) {
                double y = (it.objective() - pStar) / pStar;
                if (y > 1e-12 && it.iteration() <= 300) {
                    xs.add((double) it.iteration());
                    ys.add(y);
                }
            }
            chart.addSeries(e.getKey(), xs, ys);
        }
        Png.write(chart, file);
    }

    private static XYChart chart(String title, String x, String y) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(3);
        return chart;
    }
}
