package dev.lagrange.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.examples.RidgeBilevel.Data;
import dev.lagrange.examples.RidgeBilevel.Scale;
import dev.lagrange.examples.RidgeBilevel.Split;
import dev.lagrange.lang.LagParser;
import dev.lagrange.optimize.OptimizeResult;
import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bilevel ridge regression against closed forms. For ridge, theta(lambda) = (G + lambda I)^{-1} c,
 * dtheta/dlambda = -(G + lambda I)^{-1} theta, and dL_dev/dlambda = r_dev^T X_dev dtheta/dlambda / m,
 * which give the exact fractions of the two small problems; on the diabetes data the reference is
 * a central difference of that closed form, solved here by Gaussian elimination.
 */
class RidgeBilevelTest {
    static final Data ONE_D_TRAIN = new Data(new double[][] {{1}, {2}}, new double[] {1, 3});
    static final Data ONE_D_DEV = new Data(new double[][] {{1}}, new double[] {2});
    static final Data TWO_D_TRAIN = new Data(new double[][] {{1, 0}, {1, 1}, {0, 2}}, new double[] {1, 2, 2});
    static final Data TWO_D_DEV = new Data(new double[][] {{1, 1}}, new double[] {1});

    private static SolveResult solve(Program program, double x) {
        return new BlockCoordinateSolver().solve(program, new double[] {x}).orThrow();
    }

    @Test
    void oneDimensional() {
        check1d(solve(RidgeBilevel.implicit(ONE_D_TRAIN, ONE_D_DEV, Scale.LINEAR, 1), 1), "theta1");
    }

    @Test
    void twoDimensional() {
        check2d(solve(RidgeBilevel.implicit(TWO_D_TRAIN, TWO_D_DEV, Scale.LINEAR, 0.5), 0.5), "theta1", "theta2");
    }

    @Test
    void lagProgramsThroughTheParser() throws IOException {
        check1d(solve(LagParser.parse(Path.of("programs/ridge-1d.lag")), 1), "theta");
        check2d(solve(LagParser.parse(Path.of("programs/ridge-2d.lag")), 0.5), "theta[1]", "theta[2]");
    }

    private static void check1d(SolveResult r, String theta) {
        assertEquals(7.0 / 6, r.value(theta), 1e-15);
        assertEquals(25.0 / 72, r.objectiveValue(), 1e-15);
        assertEquals(35.0 / 216, r.gradient("lambda"), 1e-15);
    }

    private static void check2d(SolveResult r, String theta1, String theta2) {
        assertEquals(14.0 / 17, r.value(theta1), 1e-15);
        assertEquals(16.0 / 17, r.value(theta2), 1e-15);
        assertEquals(169.0 / 578, r.objectiveValue(), 1e-15);
        assertEquals(-1508.0 / 4913, r.gradient("lambda"), 1e-15);
    }

    @Test
    void logScaleIsTheChainRule() {
        double lambda = 0.5;
        SolveResult r = solve(RidgeBilevel.implicit(TWO_D_TRAIN, TWO_D_DEV, Scale.LOG, Math.log(lambda)),
                Math.log(lambda));
        assertEquals(lambda * -1508.0 / 4913, r.gradient("log_lambda"), 1e-15);
    }

    @Test
    void unrolledDescentConvergesToTheImplicitAnswer() {
        // G + lambda I = [[2.5, 1], [1, 5.5]] has eigenvalues in [2.2, 5.8]: eta = 0.25 contracts by 0.45
        SolveResult r = solve(RidgeBilevel.unrolled(TWO_D_TRAIN, TWO_D_DEV, Scale.LINEAR, 0.5, 200, 0.25), 0.5);
        check2d(r, "theta1", "theta2");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1, 0, 1, 2.5})
    void diabetesHypergradientMatchesFiniteDifferences(double logLambda) {
        Split split = RidgeBilevel.standardisedSplit(RidgeBilevel.diabetes());
        SolveResult r = solve(RidgeBilevel.implicit(split.train(), split.dev(), Scale.LOG, logLambda), logLambda);
        double h = 1e-5;
        double fd = (closedFormLoss(split, logLambda + h) - closedFormLoss(split, logLambda - h)) / (2 * h);
        assertEquals(closedFormLoss(split, logLambda), r.objectiveValue(), 1e-9 * r.objectiveValue());
        assertEquals(fd, r.gradient("log_lambda"), 1e-6 * Math.max(1, Math.abs(fd)), "log lambda = " + logLambda);
    }

    @Test
    void tuningFindsTheMinimumOfTheValidationLoss() {
        Split split = RidgeBilevel.standardisedSplit(RidgeBilevel.diabetes());
        OptimizeResult r = RidgeBilevel.tune(split, 0);
        assertTrue(r.isConverged(), r.message());
        double best = Double.POSITIVE_INFINITY;
        for (double t = -2; t <= 4; t += 0.01) {
            best = Math.min(best, closedFormLoss(split, t));
        }
        assertTrue(r.value() <= best + 1e-9, r.value() + " vs grid minimum " + best);
        assertTrue(r.x()[0] > 0.5 && r.x()[0] < 1.5, "an interior minimum: log lambda = " + r.x()[0]);
        assertEquals(closedFormLoss(split, r.x()[0]), r.value(), 1e-9 * r.value());
    }

    /** L_dev at lambda = exp(logLambda) from (G + lambda I) theta = c by Gaussian elimination. */
    static double closedFormLoss(Split split, double logLambda) {
        double[][] g = split.train().gram();
        double[] theta = split.train().moments();
        int p = theta.length;
        for (int j = 0; j < p; j++) {
            g[j][j] += Math.exp(logLambda);
        }
        for (int k = 0; k < p; k++) { // G + lambda I is symmetric positive definite: no pivoting needed
            for (int i = k + 1; i < p; i++) {
                double f = g[i][k] / g[k][k];
                for (int j = k; j < p; j++) {
                    g[i][j] -= f * g[k][j];
                }
                theta[i] -= f * theta[k];
            }
        }
        for (int k = p - 1; k >= 0; k--) {
            for (int j = k + 1; j < p; j++) {
                theta[k] -= g[k][j] * theta[j];
            }
            theta[k] /= g[k][k];
        }
        Data dev = split.dev();
        double sum = 0;
        for (int i = 0; i < dev.size(); i++) {
            double e = -dev.y()[i];
            for (int j = 0; j < p; j++) {
                e += dev.x()[i][j] * theta[j];
            }
            sum += e * e;
        }
        return sum / (2 * dev.size());
    }
}
