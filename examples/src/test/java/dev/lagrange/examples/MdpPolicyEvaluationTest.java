package dev.lagrange.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * Policy evaluation against closed forms (the two-state chain, solved by hand), Sutton and Barto's
 * gridworlds, an EJML dense solve for the occupancy measure, and central differences.
 */
class MdpPolicyEvaluationTest {
    private static final double[][] P = {{0.5, 0.5}, {0.25, 0.75}};

    @Test
    void twoStateChain() {
        MdpPolicyEvaluation mdp = new MdpPolicyEvaluation(P, new double[] {1, 0});
        MdpPolicyEvaluation.Evaluation e = mdp.evaluate(new double[] {1, 0}, 0.9);
        assertEquals(130.0 / 31, e.values()[0], 1e-14);
        assertEquals(90.0 / 31, e.values()[1], 1e-14);
        assertEquals(130.0 / 31, e.objective(), 1e-14);
        // the gradient with respect to rewards is the discounted occupancy measure of p0
        assertEquals(130.0 / 31, e.occupancy()[0], 1e-14);
        assertEquals(180.0 / 31, e.occupancy()[1], 1e-14);
        assertEquals(32300.0 / 961, e.dJdgamma(), 1e-13);
        double[] lambda = {130.0 / 31, 180.0 / 31};
        double[] v = {130.0 / 31, 90.0 / 31};
        for (int s = 0; s < 2; s++) {
            for (int t = 0; t < 2; t++) {
                assertEquals(0.9 * lambda[s] * v[t], e.dJdP()[s][t], 1e-13, "dJ/dP" + s + t);
            }
        }
        assertTrue(e.solve().residuals().max() <= 1e-14, "Lagrangian residuals " + e.solve().residuals());
    }

    @Test
    void gradientMatchesCentralDifferences() {
        MdpPolicyEvaluation mdp = new MdpPolicyEvaluation(P, new double[] {0.3, 0.7});
        Program p = mdp.program();
        MdpPolicyEvaluation.Evaluation e = mdp.evaluate(new double[] {1, -0.5}, 0.8);
        BlockCoordinateSolver solver = new BlockCoordinateSolver();
        GradientCheck.Report report = GradientCheck.of(p, x -> solver.solve(p, x).orThrow().objectiveValue())
                .check(e.solve().x(), e.solve().gradient());
        assertTrue(report.passed(1e-9), report.worst().toString());
    }

    @Test
    void fourByFourGridworld() {
        double[][][] grid = MdpPolicyEvaluation.gridworld(4, 4, -1, 0, new int[] {0, 15}, new double[0][]);
        double[] p0 = new double[16];
        p0[5] = 1;
        MdpPolicyEvaluation.Evaluation e = new MdpPolicyEvaluation(grid[0], p0).evaluate(grid[1][0], 1);
        double[] exact = {0, -14, -20, -22, -14, -18, -20, -20, -20, -20, -18, -14, -22, -20, -14, 0};
        for (int s = 0; s < 16; s++) {
            assertEquals(exact[s], e.values()[s], 1e-12, "V" + s);
        }
        // the occupancy measure: expected visits to each state from state 5, p0^T (I - P)^{-1}
        DMatrixRMaj a = new DMatrixRMaj(16, 16);
        for (int s = 0; s < 16; s++) {
            for (int t = 0; t < 16; t++) {
                a.set(t, s, (s == t ? 1 : 0) - grid[0][s][t]);
            }
        }
        DMatrixRMaj visits = new DMatrixRMaj(16, 1);
        assertTrue(CommonOps_DDRM.solve(a, new DMatrixRMaj(16, 1, true, p0), visits));
        for (int s = 0; s < 16; s++) {
            assertEquals(visits.get(s), e.occupancy()[s], 1e-12, "occupancy of state " + s);
        }
        // every visit to a nonterminal state pays -1, so V5 = -(expected visits to nonterminal states)
        double steps = Arrays.stream(e.occupancy()).sum() - e.occupancy()[0] - e.occupancy()[15];
        assertEquals(-steps, e.values()[5], 1e-12);
    }

    @Test
    void fiveByFiveGridworldWithJumps() {
        double[][] jumps = {{1, 21, 10}, {3, 13, 5}};
        double[][][] grid = MdpPolicyEvaluation.gridworld(5, 5, 0, -1, new int[0], jumps);
        double[] p0 = new double[25];
        p0[0] = 1;
        MdpPolicyEvaluation.Evaluation e = new MdpPolicyEvaluation(grid[0], p0).evaluate(grid[1][0], 0.9);
        double[] firstRow = {3.3089963356, 8.7892918626, 4.4276191826, 5.3223675934, 1.4921787587};
        for (int s = 0; s < 5; s++) {
            assertEquals(firstRow[s], e.values()[s], 1e-10, "V" + s);
        }
        // occupancy sums to 1 / (1 - gamma) for a start distribution of total mass 1
        assertEquals(10, Arrays.stream(e.occupancy()).sum(), 1e-12);
    }

    @Test
    void mainRuns() {
        String text = StandardOutput.of(() -> MdpPolicyEvaluation.main(new String[0]));
        assertTrue(text.contains("V          = (4.193548387097, 2.903225806452)"), text);
    }
}
