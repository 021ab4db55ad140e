package dev.lagrange.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Path sums against the matrix inverse (I - W)^{-1} computed by EJML, and central differences. */
class AutomatonPathSumsTest {
    @ParameterizedTest
    @ValueSource(longs = {345, 346, 347})
    void againstTheInverse(long seed) {
        Random random = new Random(seed);
        int n = 2 + random.nextInt(6);
        double[][] w = new double[n][n];
        double[] alpha = new double[n];
        double[] omega = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                // row sums below 0.9: the spectral radius is too, so the path sums converge
                w[i][j] = random.nextDouble() < 0.5 ? random.nextDouble() * 0.9 / n : 0;
            }
            alpha[i] = random.nextDouble();
            omega[i] = random.nextDouble();
        }
        AutomatonPathSums.PathSums s = new AutomatonPathSums(w, alpha, omega).solve();
        DMatrixRMaj a = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a.set(i, j, (i == j ? 1 : 0) - w[i][j]);
            }
        }
        DMatrixRMaj inverse = new DMatrixRMaj(n, n);
        assertTrue(CommonOps_DDRM.invert(a, inverse));
        double z = 0;
        double[] f = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                z += alpha[i] * inverse.get(i, j) * omega[j];
                f[j] += alpha[i] * inverse.get(i, j);
                b[i] += inverse.get(i, j) * omega[j];
            }
        }
        assertEquals(z, s.total(), 1e-14 * Math.max(1, z), "Z (seed " + seed + ")");
        for (int i = 0; i < n; i++) {
            assertEquals(f[i], s.forward()[i], 1e-14 * Math.max(1, f[i]), "f" + i + " (seed " + seed + ")");
            assertEquals(b[i], s.backward()[i], 1e-14 * Math.max(1, b[i]), "b" + i + " (seed " + seed + ")");
            for (int j = 0; j < n; j++) {
                double expected = w[i][j] == 0 ? 0 : f[i] * b[j];
                assertEquals(expected, s.dZdW()[i][j], 1e-14 * Math.max(1, expected),
                        "dZ/dW" + i + j + " (seed " + seed + ")");
            }
        }
        assertTrue(s.solve().residuals().max() <= 1e-14, "Lagrangian residuals " + s.solve().residuals());
    }

    @Test
    void gradientMatchesCentralDifferences() {
        double[][] w = {{0.2, 0.5, 0}, {0, 0.3, 0.4}, {0.3, 0, 0.1}};
        AutomatonPathSums sums = new AutomatonPathSums(w, new double[] {1, 0.5, 0}, new double[] {0, 0.2, 1});
        Program p = sums.program();
        AutomatonPathSums.PathSums s = sums.solve();
        BlockCoordinateSolver solver = new BlockCoordinateSolver();
        GradientCheck.Report report = GradientCheck.of(p, x -> solver.solve(p, x).orThrow().objectiveValue())
                .check(s.solve().x(), s.solve().gradient());
        assertTrue(report.passed(1e-9), report.worst().toString());
    }

    @Test
    void mainRuns() {
        String text = StandardOutput.of(() -> AutomatonPathSums.main(new String[0]));
        assertTrue(text.contains("Z = alpha^T (I - W)^{-1} omega = "), text);
    }
}
