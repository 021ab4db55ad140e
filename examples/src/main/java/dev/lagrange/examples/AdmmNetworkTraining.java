package dev.lagrange.examples;

import dev.lagrange.solve.admm.AdmmNetworkTrainer;
import dev.lagrange.solve.admm.AdmmOptions;
import dev.lagrange.solve.admm.GradientDescentOptions;
import dev.lagrange.solve.admm.GradientDescentTrainer;
import dev.lagrange.solve.admm.Loss;
import dev.lagrange.solve.admm.Samples;
import dev.lagrange.solve.admm.TrainingResult;
import dev.lagrange.solve.admm.TrainingStep;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training a 2-32-32-1 ReLU network (plus an input bias row) without gradients, by Taylor et al.'s
 * ADMM, side by side with full-batch gradient descent through back-substitution, on two seeded
 * problems: two moons (noise 0.2) and XOR on the square (noise 0.1), 400 training and 400 test
 * points each. Every method starts from the same He-initialised weights and uses the hinge loss
 * unless its name says otherwise; the ADMM variants are those the follow-up literature suggests.
 * Prints accuracy, training loss and wall time per iteration, and writes the convergence curves as
 * PNG files (test accuracy against iteration, training loss against wall time).
 *
 * <p>Reference: G. Taylor et al., "Training Neural Networks Without Gradients: A Scalable ADMM
 * Approach", ICML 2016.
 */
public final class AdmmNetworkTraining {
    /** One colour per method, the same in both charts. */
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x2ca02c), new Color(0x8c564b), new Color(0xd62728)};

    private AdmmNetworkTraining() {
    }

    /**
     * The size of the experiment.
     *
     * @param samples training (and test) points per problem
     * @param sweeps ADMM sweeps after the warm start, for the long runs
     * @param taylorSweeps the sweep count at which Taylor et al.'s defaults are also reported
     * @param steps gradient-descent steps
     * @param learningRate the gradient-descent step length
     * @param out the folder for the PNG files
     */
    public record Config(int samples, int sweeps, int taylorSweeps, int steps, double learningRate, Path out) {
        /** The experiment of docs/admm-training.md: 400 points, 10 + 500 sweeps, 2000 steps, into target/. */
        public static Config full() {
            return new Config(400, 500, 100, 2000, 0.2, Path.of("target"));
        }

        /** A small run for tests. */
        public static Config quick(Path out) {
            return new Config(100, 20, 10, 100, 0.2, out);
        }
    }

    /**
     * One line of the comparison.
     *
     * @param problem the data set
     * @param method the method and its parameters
     * @param iterations sweeps (including the warm start) or gradient steps
     * @param msPerIteration mean wall time per iteration, evaluation excluded
     * @param loss the mean training hinge (or squared) loss of the trained network
     * @param trainAccuracy its training accuracy
     * @param testAccuracy its test accuracy
     */
    public record Row(String problem, String method, int iterations, double msPerIteration, double loss,
            double trainAccuracy, double testAccuracy) {
        static Row of(String problem, String method, TrainingStep s) {
            return new Row(problem, method, s.iteration(), 1000 * s.seconds() / s.iteration(), s.loss(),
                    s.trainAccuracy(), s.testAccuracy());
        }
    }

    /**
     * Runs every method on both problems and writes two charts per problem into {@code config.out()}.
     *
     * @return the comparison rows, problem by problem
     */
    public static List<Row> run(Config config) {
        System.setProperty("java.awt.headless", "true");
        List<Row> rows = new ArrayList<>();
        int n = config.samples();
        compare("two moons", Samples.twoMoons(n, 0.2, 1), Samples.twoMoons(n, 0.2, 2), config, rows);
        compare("XOR", Samples.xor(n, 0.1, 1), Samples.xor(n, 0.1, 2), config, rows);
        return rows;
    }

    private static void compare(String problem, Samples train, Samples test, Config config, List<Row> rows) {
        AdmmOptions taylor = AdmmOptions.defaults().withIterations(config.sweeps());
        List<String> names = List.of(
                "ADMM beta 1, gamma 10",
                "ADMM beta x1.01 per sweep",
                "ADMM beta 0.1",
                "ADMM multipliers on every layer",
                "ADMM beta 0.1, least squares",
                "gradient descent");
        List<TrainingResult> results = new ArrayList<>();
        results.add(new AdmmNetworkTrainer(taylor).train(train, test));
        results.add(new AdmmNetworkTrainer(taylor.withBetaGrowth(1.01)).train(train, test));
        results.add(new AdmmNetworkTrainer(taylor.withBeta(0.1)).train(train, test));
        results.add(new AdmmNetworkTrainer(taylor.withLayerMultipliers(true)).train(train, test));
        results.add(new AdmmNetworkTrainer(taylor.withBeta(0.1).withLoss(Loss.LEAST_SQUARES)).train(train, test));
        results.add(new GradientDescentTrainer(GradientDescentOptions.defaults().withIterations(config.steps())
                .withLearningRate(config.learningRate())).train(train, test));
        int early = taylor.warmStart() + config.taylorSweeps();
        rows.add(Row.of(problem, "ADMM beta 1, gamma 10 (Taylor et al.)", results.get(0).history().get(early - 1)));
        for (int k = 0; k < results.size(); k++) {
            TrainingResult r = results.get(k);
            String name = names.get(k) + (r.completed() ? "" : " [" + r.message() + "]");
            rows.add(Row.of(problem, name, r.last()));
        }
        String file = problem.toLowerCase(Locale.ROOT).replace(' ', '-');
        XYChart accuracy = chart(problem + ": test accuracy", "iteration (log scale)", "test accuracy");
        accuracy.getStyler().setXAxisLogarithmic(true);
        accuracy.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        XYChart loss = chart(problem + ": training hinge loss (least squares: squared loss)", "wall time, s",
                "mean training loss (log scale)");
        loss.getStyler().setYAxisLogarithmic(true);
        loss.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        for (int k = 0; k < results.size(); k++) {
            List<TrainingStep> h = results.get(k).history();
            accuracy.addSeries(names.get(k), column(h, TrainingStep::iteration), column(h, TrainingStep::testAccuracy))
                    .setMarker(SeriesMarkers.NONE).setLineColor(COLORS[k]);
            loss.addSeries(names.get(k), column(h, TrainingStep::seconds), column(h, TrainingStep::loss))
                    .setMarker(SeriesMarkers.NONE).setLineColor(COLORS[k]);
        }
        try {
            Files.createDirectories(config.out());
            Png.write(accuracy, config.out().resolve("admm-" + file + "-accuracy.png"));
            Png.write(loss, config.out().resolve("admm-" + file + "-loss.png"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the charts into " + config.out() + ": " + e.getMessage(), e);
        }
    }

    private static XYChart chart(String title, String x, String y) {
        return new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
    }

    private static double[] column(List<TrainingStep> history, ToDoubleFunction<TrainingStep> f) {
        return history.stream().mapToDouble(f).toArray();
    }

    /** Runs {@link Config#full()} (or {@link Config#quick} with {@code --quick}) and prints the table. */
    public static void main(String[] args) {
        Config config = args.length > 0 && args[0].equals("--quick") ? Config.quick(Path.of("target")) : Config.full();
        List<Row> rows = run(config);
        System.out.printf(Locale.ROOT, "%-10s %-40s %6s %9s %8s %6s %6s%n", "problem", "method", "iters", "ms/iter",
                "loss", "train", "test");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-10s %-40s %6d %9.3f %8.4f %6.3f %6.3f%n", r.problem(), r.method(),
                    r.iterations(), r.msPerIteration(), r.loss(), r.trainAccuracy(), r.testAccuracy());
        }
        System.out.println("charts: " + config.out().toAbsolutePath().resolve("admm-*-{accuracy,loss}.png"));
    }
}
