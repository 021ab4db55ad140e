package dev.lagrange.examples;

import dev.lagrange.optimize.DescentOptions;
import dev.lagrange.optimize.GradientDescent;
import dev.lagrange.optimize.Goal;
import dev.lagrange.optimize.OptimizeResult;
import dev.lagrange.optimize.ProgramObjective;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bilevel ridge regression: the gradient of a held-out loss with respect to the ridge penalty,
 * without storing (or even running) the inner optimisation. The inner problem
 * <pre>
 *   theta(lambda) = argmin_theta ||X theta - y||^2 + lambda ||theta||^2
 * </pre>
 * is a {@code solve} block of p unknowns, its stationarity condition (halved)
 * {@code g(theta, lambda) = G theta - c + lambda theta = 0} with the Gram matrix {@code G = X^T X} and
 * {@code c = X^T y} as constants; the objective is the validation loss
 * <pre>
 *   L_dev(lambda) = (1 / 2m) sum_i (x_i . theta(lambda) - y_i)^2      over the m held-out rows.
 * </pre>
 * One solve gives {@code dL_dev/dlambda} from the multipliers: the block's multipliers solve
 * {@code (G + lambda I) mu = dL_dev/dtheta} (the transposed Jacobian of g), and they flow on to lambda
 * as {@code -mu . theta} — the implicit function theorem, with no record of how theta was found.
 * The penalty is an input either directly ({@code lambda}) or through {@code lambda = exp(log_lambda)},
 * the scale on which it is tuned. Nodes: O(p + m) plus the block's 3p; memory O(p^2 + m p) for the
 * constants and the block's dense LU, independent of any inner iteration count.
 *
 * <p>{@link #unrolled} builds the other way to get the same gradient: T steps of gradient descent on
 * the inner problem written out as a program, {@code theta_{t+1} = theta_t - eta (G theta_t - c +
 * lambda theta_t)} from {@code theta_0 = 0}, differentiated by back-substitution; 2pT nodes, so its
 * memory grows with T. {@link #main} tunes lambda on the diabetes data and compares the two.
 *
 * <p>References: D. Maclaurin, D. Duvenaud and R. Adams, Gradient-based hyperparameter optimization
 * through reversible learning, ICML 2015 (unrolling); F. Pedregosa, Hyperparameter optimization with
 * approximate gradient, ICML 2016 (implicit differentiation); data: B. Efron et al., Least angle
 * regression, Ann. Statist. 32 (2004).
 */
public final class RidgeBilevel {
    private RidgeBilevel() {
    }

    /**
     * A regression data set.
     *
     * @param x Not modified: the rows x_i, all of one length p
     * @param y Not modified: the responses y_i
     */
    public record Data(double[][] x, double[] y) {
        public Data {
            if (x.length != y.length) {
                throw new IllegalArgumentException(x.length + " rows but " + y.length + " responses");
            }
            for (double[] row : x) {
                if (row.length != x[0].length) {
                    throw new IllegalArgumentException("rows of lengths " + x[0].length + " and " + row.length);
                }
            }
        }

        public int size() {
            return y.length;
        }

        public int features() {
            return x.length == 0 ? 0 : x[0].length;
        }

        /** {@code X^T X}, O(n p^2). */
        public double[][] gram() {
            int p = features();
            double[][] g = new double[p][p];
            for (double[] row : x) {
                for (int j = 0; j < p; j++) {
                    for (int k = 0; k < p; k++) {
                        g[j][k] += row[j] * row[k];
                    }
                }
            }
            return g;
        }

        /** {@code X^T y}, O(n p). */
        public double[] moments() {
            double[] c = new double[features()];
            for (int i = 0; i < y.length; i++) {
                for (int j = 0; j < c.length; j++) {
                    c[j] += x[i][j] * y[i];
                }
            }
            return c;
        }
    }

    /** A training and a held-out set. */
    public record Split(Data train, Data dev) {
    }

    /** How the penalty enters the program: the input {@code lambda} itself, or {@code log_lambda}. */
    public enum Scale {
        LINEAR("lambda"),
        LOG("log_lambda");

        private final String input;

        Scale(String input) {
            this.input = input;
        }

        /** The name of the program's input. */
        public String input() {
            return input;
        }
    }

    /**
     * The bilevel program: input (lambda or log lambda, default {@code start}), the solve block for
     * theta_1..theta_p, the objective {@code L_dev} and the outputs theta_j after it.
     */
    public static Program implicit(Data train, Data dev, Scale scale, double start) {
        var b = Program.builder();
        Var lambda = penalty(b, scale, start);
        int p = train.features();
        double[][] g = train.gram();
        double[] c = train.moments();
        Var[] theta = new Var[p];
        for (int j = 0; j < p; j++) {
            theta[j] = b.declare("theta" + (j + 1));
        }
        for (int j = 0; j < p; j++) {
            Var residual = gradientStep(b, g, c, theta, lambda, j, 0, 1);
            b.define("theta" + (j + 1), Primitive.IMPLICIT, new double[0], theta[j], residual);
        }
        return validationLoss(b, dev, theta);
    }

    /**
     * The unrolled program: T steps of gradient descent on the inner problem from theta = 0 with step
     * {@code eta}, then the same objective. 2pT + O(p + m) nodes.
     */
    public static Program unrolled(Data train, Data dev, Scale scale, double start, int steps, double eta) {
        var b = Program.builder();
        Var lambda = penalty(b, scale, start);
        int p = train.features();
        double[][] g = train.gram();
        double[] c = train.moments();
        Var[] theta = new Var[p];
        for (int j = 0; j < p; j++) {
            theta[j] = b.constant(0);
        }
        for (int t = 0; t < steps; t++) {
            Var[] next = new Var[p];
            for (int j = 0; j < p; j++) {
                next[j] = gradientStep(b, g, c, theta, lambda, j, 1, -eta);
            }
            theta = next;
        }
        for (int j = 0; j < p; j++) {
            theta[j] = b.let("theta" + (j + 1), theta[j]);
        }
        return validationLoss(b, dev, theta);
    }

    /**
     * {@code a theta_j + s (sum_k G_jk theta_k - c_j + lambda theta_j)} as one weighted sum over theta
     * and the product {@code lambda theta_j}: the inner gradient's component j (a = 0, s = 1) or a
     * descent step on it (a = 1, s = -eta).
     */
    private static Var gradientStep(Program.Builder b, double[][] g, double[] c, Var[] theta, Var lambda, int j,
            double a, double s) {
        int p = theta.length;
        double[] coefficients = new double[p + 1];
        Var[] terms = new Var[p + 1];
        for (int k = 0; k < p; k++) {
            coefficients[k] = (j == k ? a : 0) + s * g[j][k];
        }
        System.arraycopy(theta, 0, terms, 0, p);
        coefficients[p] = s;
        terms[p] = b.mul(lambda, theta[j]);
        return b.weightedSum(-s * c[j], coefficients, terms);
    }

    /** A step size that makes inner gradient descent converge for every lambda >= 0: 1 / ||G||_inf. */
    public static double stepSize(Data train) {
        double bound = 0;
        for (double[] row : train.gram()) {
            double s = 0;
            for (double a : row) {
                s += Math.abs(a);
            }
            bound = Math.max(bound, s);
        }
        // ||G||_inf bounds G's largest eigenvalue; with lambda the contraction 1 - eta (mu + lambda)
        // stays above -1 as long as eta lambda < 1, true for the penalties tuned here
        return 1 / bound;
    }

    private static Var penalty(Program.Builder b, Scale scale, double start) {
        Var input = b.input(scale.input(), start);
        return scale == Scale.LINEAR ? input : b.let("lambda", b.exp(input));
    }

    private static Program validationLoss(Program.Builder b, Data dev, Var[] theta) {
        int m = dev.size();
        Var[] squares = new Var[m];
        for (int i = 0; i < m; i++) {
            squares[i] = b.pow(b.weightedSum(-dev.y()[i], dev.x()[i], theta), 2);
        }
        double[] mean = new double[m];
        java.util.Arrays.fill(mean, 1.0 / (2 * m));
        Var loss = b.let("L_dev", b.weightedSum(0, mean, squares));
        b.output(loss);
        return b.output(theta).build();
    }

    /** The diabetes data (442 rows, 10 raw features, response y), shipped as a resource. */
    public static Data diabetes() {
        try (InputStream in = RidgeBilevel.class.getResourceAsStream("diabetes.csv")) {
            if (in == null) {
                throw new IllegalStateException("the resource dev/lagrange/examples/diabetes.csv is missing");
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            reader.readLine();
            List<double[]> rows = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] f = line.split(",");
                double[] row = new double[f.length - 1];
                for (int j = 0; j < row.length; j++) {
                    row[j] = Double.parseDouble(f[j]);
                }
                rows.add(row);
                y.add(Double.parseDouble(f[f.length - 1]));
            }
            return new Data(rows.toArray(double[][]::new), y.stream().mapToDouble(Double::doubleValue).toArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every third row (0, 3, 6, ...) held out, the rest for training; features standardised and y
     * centred with the training rows' means and standard deviations, so no intercept is needed and
     * the penalty treats the features alike.
     */
    public static Split standardisedSplit(Data data) {
        List<Integer> train = new ArrayList<>();
        List<Integer> dev = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            (i % 3 == 0 ? dev : train).add(i);
        }
        int p = data.features();
        double[] mean = new double[p];
        double[] sd = new double[p];
        double yMean = 0;
        for (int i : train) {
            for (int j = 0; j < p; j++) {
                mean[j] += data.x()[i][j] / train.size();
            }
            yMean += data.y()[i] / train.size();
        }
        for (int i : train) {
            for (int j = 0; j < p; j++) {
                double d = data.x()[i][j] - mean[j];
                sd[j] += d * d / train.size();
            }
        }
        for (int j = 0; j < p; j++) {
            sd[j] = Math.sqrt(sd[j]);
        }
        return new Split(rows(data, train, mean, sd, yMean), rows(data, dev, mean, sd, yMean));
    }

    private static Data rows(Data data, List<Integer> index, double[] mean, double[] sd, double yMean) {
        double[][] x = new double[index.size()][];
        double[] y = new double[index.size()];
        for (int r = 0; r < x.length; r++) {
            int i = index.get(r);
            x[r] = new double[mean.length];
            for (int j = 0; j < mean.length; j++) {
                x[r][j] = (data.x()[i][j] - mean[j]) / sd[j];
            }
            y[r] = data.y()[i] - yMean;
        }
        return new Data(x, y);
    }

    /**
     * Tunes log lambda on the diabetes data by gradient descent on the validation loss from
     * {@code log lambda = start}, to a gradient of 1e-4 (L_dev is about 1.4e3 there, and rounding
     * in L_dev stops the line search near 1e-6).
     */
    public static OptimizeResult tune(Split split, double start) {
        Program program = implicit(split.train(), split.dev(), Scale.LOG, start);
        return new GradientDescent(DescentOptions.defaults().withGradientTolerance(1e-4).withHistory(true))
                .optimize(ProgramObjective.of(program), Goal.MINIMIZE);
    }

    public static void main(String[] args) {
        Split split = standardisedSplit(diabetes());
        System.out.printf(Locale.ROOT, "Diabetes data: %d training rows, %d held out, %d features%n",
                split.train().size(), split.dev().size(), split.train().features());
        OptimizeResult r = tune(split, 0);
        System.out.printf(Locale.ROOT, "Gradient descent on log lambda from 0: %s in %d iterations, %d solves%n",
                r.status().jsonName(), r.iterations(), r.evaluations());
        System.out.printf(Locale.ROOT, "  log lambda = %.6f, lambda = %.6f, L_dev = %.6f, dL_dev/dlog lambda = %.2e%n",
                r.x()[0], Math.exp(r.x()[0]), r.value(), r.gradient()[0]);
        SolveResult at0 = new BlockCoordinateSolver().solve(implicit(split.train(), split.dev(), Scale.LOG, 0),
                new double[] {0});
        System.out.printf(Locale.ROOT, "  at lambda = 1 (start): L_dev = %.6f%n", at0.objectiveValue());
        System.out.println();
        System.out.println(BilevelComparison.table(split, r.x()[0], new int[] {10, 100, 1000}));
    }
}
