package dev.lagrange.bench.cyclic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.BlockReport;
import dev.lagrange.solve.SolveResult;
import org.junit.jupiter.api.Test;

/**
 * A random sparse MDP of 10^4 states and 10 successors each, solved on the default path (GMRES: the
 * block is above the factoring limit). References: value iteration for V and for the occupancy
 * measure (contractions by gamma, run to 1e-14), and the closed form {@code sum_s dJ/dr_s = 1/(1 - gamma)}
 * (p0 and every row of P sum to 1).
 */
class RandomMdpTest {
    @Test
    void valuesAndRewardGradientsAtTenThousandStates() {
        long seed = 7;
        double gamma = 0.9;
        RandomMdp mdp = new RandomMdp(10_000, 10, gamma, seed);
        Program program = mdp.program();
        SolveResult result = new BlockCoordinateSolver().solve(program, program.inputDefaults());
        assertTrue(result.isConverged(), result.message());
        BlockReport block = result.blocks().stream().filter(BlockReport::cyclic).findFirst().orElseThrow();
        assertEquals("newton-gmres-jacobi", block.method());
        assertTrue(block.multiplierResidual() <= 1e-15, "multiplier residual " + block.multiplierResidual());

        double[] v = mdp.fixedPoint(mdp.rewards(), false, 1e-14);
        double[] occupancy = mdp.fixedPoint(mdp.initial(), true, 1e-18);
        double total = 0;
        for (int s = 0; s < mdp.states(); s++) {
            // value iteration stops within gamma/(1-gamma) * 1e-14 of the fixed point
            assertEquals(v[s], result.value("V" + s), 1e-12, "V" + s + " (seed " + seed + ")");
            assertEquals(occupancy[s], result.gradient("r" + s), 1e-15, "dJ/dr" + s + " (seed " + seed + ")");
            total += result.gradient("r" + s);
        }
        assertEquals(1 / (1 - gamma), total, 1e-11, "sum of dJ/dr (seed " + seed + ")");
        double[] p0 = mdp.initial();
        double objective = 0;
        for (int s = 0; s < mdp.states(); s++) {
            objective += p0[s] * v[s];
        }
        assertEquals(objective, result.objectiveValue(), 1e-12, "J (seed " + seed + ")");
    }
}
