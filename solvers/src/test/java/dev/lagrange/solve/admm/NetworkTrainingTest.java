package dev.lagrange.solve.admm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.SolveStatus;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Training on two moons reaches the stated accuracies, and the baseline's matrix back-substitution
 * agrees with back-substitution through a scalar {@link Program} of the same network.
 */
class NetworkTrainingTest {
    private static final Samples TRAIN = Samples.twoMoons(400, 0.2, 1);
    private static final Samples TEST = Samples.twoMoons(400, 0.2, 2);

    @Test
    void admmReachesItsAccuracyOnTwoMoons() {
        // Taylor et al.'s defaults need a few hundred sweeps here (see docs/admm-training.md)
        TrainingResult r = new AdmmNetworkTrainer(AdmmOptions.defaults().withIterations(400)).train(TRAIN, TEST).orThrow();
        assertEquals(SolveStatus.NOT_CONVERGED, r.status());
        assertEquals(410, r.history().size());
        assertTrue(r.last().testAccuracy() >= 0.85, r.message());
        assertTrue(r.last().loss() < r.history().get(0).loss(), r.message());
        assertEquals(r.last().testAccuracy(), r.network().accuracy(TEST), 0);
    }

    @Test
    void gradientDescentReachesItsAccuracyOnTwoMoons() {
        TrainingResult r = new GradientDescentTrainer(GradientDescentOptions.defaults().withIterations(1500).withLearningRate(0.2))
                .train(TRAIN, TEST).orThrow();
        assertTrue(r.last().testAccuracy() >= 0.95, r.message());
    }

    @Test
    void historyTimesAreCumulative() {
        TrainingResult r = new AdmmNetworkTrainer(AdmmOptions.defaults().withIterations(5).withWarmStart(2)).train(TRAIN, TEST);
        for (int t = 1; t < r.history().size(); t++) {
            assertTrue(r.history().get(t).seconds() >= r.history().get(t - 1).seconds());
            assertEquals(t + 1, r.history().get(t).iteration());
        }
    }

    @Test
    void matrixBackSubstitutionMatchesTheProgramsGradient() {
        Samples data = Samples.twoMoons(6, 0.2, 7);
        ReluNetwork net = ReluNetwork.random(new int[] {3, 4, 3, 1}, 11);
        List<DMatrixRMaj> w = net.weights();
        // J = (1/n) sum_i (z_L,i - y_i)^2, one scalar node per product
        Program.Builder b = Program.builder();
        Var[][][] wv = new Var[w.size()][][];
        for (int l = 0; l < w.size(); l++) {
            wv[l] = new Var[w.get(l).numRows][w.get(l).numCols];
            for (int r = 0; r < w.get(l).numRows; r++) {
                for (int c = 0; c < w.get(l).numCols; c++) {
                    wv[l][r][c] = b.input("w" + l + "_" + r + "_" + c, w.get(l).get(r, c));
                }
            }
        }
        Var total = b.constant(0);
        for (int i = 0; i < data.size(); i++) {
            Var[] a = {b.constant(data.x()[i][0]), b.constant(data.x()[i][1]), b.constant(1)};
            for (int l = 0; l < w.size(); l++) {
                Var[] z = new Var[wv[l].length];
                for (int r = 0; r < z.length; r++) {
                    Var sum = b.mul(wv[l][r][0], a[0]);
                    for (int c = 1; c < a.length; c++) {
                        sum = b.add(sum, b.mul(wv[l][r][c], a[c]));
                    }
                    z[r] = l + 1 < w.size() ? b.relu(sum) : sum;
                }
                a = z;
            }
            Var e = b.sub(a[0], b.constant(data.y()[i]));
            total = b.add(total, b.mul(e, e));
        }
        Var objective = b.let("J", b.mul(total, b.constant(1.0 / data.size())));
        Program p = b.output(objective).build();
        SolveResult s = new BlockCoordinateSolver().solve(p, p.inputDefaults()).orThrow();
        List<DMatrixRMaj> g = GradientDescentTrainer.gradient(w, data.inputs(), data.labels(), Loss.LEAST_SQUARES);
        assertEquals(net.meanLoss(data, Loss.LEAST_SQUARES), s.value("J"), 1e-14);
        for (int l = 0; l < w.size(); l++) {
            for (int r = 0; r < w.get(l).numRows; r++) {
                for (int c = 0; c < w.get(l).numCols; c++) {
                    String name = "w" + l + "_" + r + "_" + c;
                    assertEquals(s.gradient(name), g.get(l).get(r, c), 1e-13, name);
                }
            }
        }
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> AdmmOptions.defaults().withGamma(0));
        assertThrows(IllegalArgumentException.class, () -> AdmmOptions.defaults().withBeta(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> AdmmOptions.defaults().withBetaGrowth(0.99));
        assertThrows(IllegalArgumentException.class, () -> AdmmOptions.defaults().withWarmStart(0).withIterations(0));
        assertThrows(IllegalArgumentException.class, () -> AdmmOptions.defaults().withHiddenWidths(32, 0));
        assertThrows(IllegalArgumentException.class, () -> GradientDescentOptions.defaults().withLearningRate(-1));
        assertThrows(IllegalArgumentException.class, () -> new Samples(new double[][] {{0, 0}}, new double[] {2}));
        assertEquals(AdmmOptions.defaults(), AdmmOptions.defaults().withBeta(1));
    }
}
