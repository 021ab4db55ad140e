package dev.lagrange.optimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.SolveResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A softmax (multinomial logistic) regression fitted by minimising the mean cross-entropy over 30
 * samples, checked against its closed form. The feature x takes the values 0, 1, 2 and the model has
 * features (1, x, x^2), class 0 as reference (score 0) and, for classes k = 1, 2,
 * <pre>
 *   s_k(x) = b_k + w_k x + v_k x^2,   p(k | x) = exp(s_k) / (1 + exp(s_1) + exp(s_2)).
 * </pre>
 * Three parameters per class for three distinct x values: the model is saturated (the Vandermonde
 * matrix of (1, x, x^2) at 0, 1, 2 is invertible), so any conditional distribution p(. | x) is
 * reachable, and the likelihood is maximised by the empirical one, p(k | x = g) = n_gk / n_g (the
 * multinomial MLE, cell by cell). Hence the closed form: the log-odds {@code L_gk = log(n_gk / n_g0)}
 * are the scores at x = g, and interpolating them,
 * <pre>
 *   b_k = L_0k,   v_k = (L_2k - 2 L_1k + L_0k) / 2,   w_k = L_1k - L_0k - v_k,
 *   min loss = -(1/N) sum_gk n_gk log(n_gk / n_g).
 * </pre>
 * The loss's smallest curvature is small (x^2 against x), so the parameters are checked to 1e-4 for
 * a gradient of 1e-7, while the predicted probabilities, which the data pin down, are checked to 1e-6.
 */
class SoftmaxRegressionTest {
    /** n[g][k]: samples with x = g in class k. */
    static final int[][] COUNTS = {{5, 3, 2}, {2, 6, 2}, {1, 3, 6}};
    static final String[] PARAMETERS = {"b1", "w1", "v1", "b2", "w2", "v2"};

    static Program softmaxRegression() {
        var b = Program.builder();
        Var[] theta = new Var[PARAMETERS.length];
        for (int j = 0; j < theta.length; j++) {
            theta[j] = b.input(PARAMETERS[j], 0);
        }
        List<Var> losses = new ArrayList<>();
        for (int g = 0; g < COUNTS.length; g++) {
            for (int k = 0; k < 3; k++) {
                for (int i = 0; i < COUNTS[g][k]; i++) {
                    // a sample (x = g, class k): loss = log(1 + e^{s_1} + e^{s_2}) - s_k
                    Var s1 = b.weightedSum(0, new double[] {1, g, g * g}, theta[0], theta[1], theta[2]);
                    Var s2 = b.weightedSum(0, new double[] {1, g, g * g}, theta[3], theta[4], theta[5]);
                    Var logZ = b.log(b.add(b.add(b.exp(s1), b.exp(s2)), 1));
                    losses.add(k == 0 ? logZ : b.sub(logZ, k == 1 ? s1 : s2));
                }
            }
        }
        double[] mean = new double[losses.size()];
        java.util.Arrays.fill(mean, 1.0 / losses.size());
        return b.output(b.let("loss", b.weightedSum(0, mean, losses.toArray(Var[]::new)))).build();
    }

    static double[] closedForm() {
        double[] theta = new double[6];
        for (int k = 1; k <= 2; k++) {
            double[] logOdds = new double[3];
            for (int g = 0; g < 3; g++) {
                logOdds[g] = Math.log((double) COUNTS[g][k] / COUNTS[g][0]);
            }
            double v = (logOdds[2] - 2 * logOdds[1] + logOdds[0]) / 2;
            theta[3 * (k - 1)] = logOdds[0];
            theta[3 * (k - 1) + 1] = logOdds[1] - logOdds[0] - v;
            theta[3 * (k - 1) + 2] = v;
        }
        return theta;
    }

    static double minimumLoss() {
        double sum = 0;
        int total = 0;
        for (int[] row : COUNTS) {
            int ng = row[0] + row[1] + row[2];
            for (int n : row) {
                sum -= n * Math.log((double) n / ng);
                total += n;
            }
        }
        return sum / total;
    }

    @Test
    void gradientDescentFindsTheEmpiricalConditionals() {
        var f = ProgramObjective.of(softmaxRegression());
        OptimizeResult r = new GradientDescent(DescentOptions.defaults().withGradientTolerance(1e-7)).optimize(f,
                Goal.MINIMIZE);
        assertTrue(r.isConverged(), r.message());
        checkFit(f, r);
    }

    @Test
    void conjugateGradientFindsTheEmpiricalConditionals() {
        var f = ProgramObjective.of(softmaxRegression());
        OptimizeResult r = CommonsMathOptimizers.conjugateGradient(f, Goal.MINIMIZE, f.start(),
                CommonsMathOptions.defaults().withTolerances(1e-15, 1e-15).withInitialStep(0.1));
        assertTrue(r.isConverged(), r.message());
        assertTrue(r.gradientNorm() < 1e-6, "gradient " + r.gradientNorm());
        checkFit(f, r);
    }

    private static void checkFit(ProgramObjective f, OptimizeResult r) {
        double[] expected = closedForm();
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], r.x()[j], 1e-4, PARAMETERS[j]);
        }
        assertEquals(minimumLoss(), r.value(), 1e-10);
        SolveResult at = f.solve(r.x());
        for (int g = 0; g < 3; g++) {
            double s1 = r.x()[0] + g * r.x()[1] + g * g * r.x()[2];
            double s2 = r.x()[3] + g * r.x()[4] + g * g * r.x()[5];
            double z = 1 + Math.exp(s1) + Math.exp(s2);
            int ng = COUNTS[g][0] + COUNTS[g][1] + COUNTS[g][2];
            assertEquals((double) COUNTS[g][1] / ng, Math.exp(s1) / z, 1e-6, "p(1 | x = " + g + ")");
            assertEquals((double) COUNTS[g][2] / ng, Math.exp(s2) / z, 1e-6, "p(2 | x = " + g + ")");
        }
        assertTrue(at.isConverged());
    }
}
