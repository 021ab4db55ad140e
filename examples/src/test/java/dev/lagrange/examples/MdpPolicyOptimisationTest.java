package dev.lagrange.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.examples.MdpPolicyOptimisation.Mdp;
import dev.lagrange.examples.MdpPolicyOptimisation.PolicyIteration;
import dev.lagrange.optimize.OptimizeResult;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** Softmax policy gradient ascent against policy iteration, and the policy gradient theorem. */
class MdpPolicyOptimisationTest {
    private static final Mdp GRID = MdpPolicyOptimisation.gridworld();

    private static double[] uniform(int n) {
        double[] p0 = new double[n];
        Arrays.fill(p0, 1.0 / n);
        return p0;
    }

    @Test
    void policyIterationFindsSuttonAndBartosOptimalValues() {
        PolicyIteration pi = MdpPolicyOptimisation.policyIteration(GRID);
        assertEquals(24.419428096993972, pi.values()[1], 1e-12);
        double[] firstRow = {22.0, 24.4, 22.0, 19.4, 17.5}; // figure 3.5, printed to one decimal
        for (int s = 0; s < 5; s++) {
            assertEquals(firstRow[s], pi.values()[s], 0.05, "V*" + s);
        }
    }

    @Test
    void theGradientIsThePolicyGradientTheorem() {
        // dJ/dtheta_sa = d_s pi_sa (Q_sa - V_s), d = p0^T (I - gamma P_pi)^{-1} the occupancy measure.
        int n = GRID.states();
        int m = GRID.actions();
        double[] p0 = uniform(n);
        MdpPolicyOptimisation opt = new MdpPolicyOptimisation(GRID, p0);
        Random random = new Random(345);
        double[] theta = new double[n * m];
        for (int k = 0; k < theta.length; k++) {
            theta[k] = random.nextGaussian();
        }
        SolveResult r = new BlockCoordinateSolver().solve(opt.program(), theta).orThrow();
        double[][] pi = new double[n][m];
        DMatrixRMaj a = CommonOps_DDRM.identity(n);
        for (int s = 0; s < n; s++) {
            double z = 0;
            for (int b = 0; b < m; b++) {
                z += Math.exp(theta[s * m + b]);
            }
            for (int b = 0; b < m; b++) {
                pi[s][b] = Math.exp(theta[s * m + b]) / z;
                for (int t = 0; t < n; t++) {
                    a.add(t, s, -GRID.gamma() * pi[s][b] * GRID.transitions()[b][s][t]); // transposed
                }
            }
        }
        DMatrixRMaj d = new DMatrixRMaj(n, 1);
        assertTrue(CommonOps_DDRM.solve(a, new DMatrixRMaj(n, 1, true, p0), d));
        double[] v = opt.values(theta);
        for (int s = 0; s < n; s++) {
            for (int b = 0; b < m; b++) {
                double q = GRID.rewards()[b][s];
                for (int t = 0; t < n; t++) {
                    q += GRID.gamma() * GRID.transitions()[b][s][t] * v[t];
                }
                double expected = d.get(s) * pi[s][b] * (q - v[s]);
                assertEquals(expected, r.gradient()[s * m + b], 1e-13, "theta[" + s + "][" + b + "]");
            }
        }
    }

    @Test
    void gradientAscentReachesThePolicyIterationOptimum() {
        double[] p0 = uniform(25);
        MdpPolicyOptimisation opt = new MdpPolicyOptimisation(GRID, p0);
        OptimizeResult r = opt.optimise(300, 1e-6);
        assertTrue(r.isConverged(), r.message());
        PolicyIteration pi = MdpPolicyOptimisation.policyIteration(GRID);
        double[] greedy = MdpPolicyOptimisation.evaluate(GRID, opt.greedy(r.x()));
        double[] softmax = opt.values(r.x());
        for (int s = 0; s < 25; s++) {
            assertEquals(pi.values()[s], greedy[s], 1e-10, "greedy V" + s);
            assertTrue(softmax[s] <= pi.values()[s] + 1e-10, "a softmax policy cannot beat V* at " + s);
            assertEquals(pi.values()[s], softmax[s], 1e-4, "softmax V" + s);
        }
        assertTrue(r.history().get(0).value() < r.value(), "the ascent increased J");
    }
}
