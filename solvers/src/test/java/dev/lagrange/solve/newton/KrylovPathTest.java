package dev.lagrange.solve.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The matrix-free path on seeded random nonlinear cyclic programs: GMRES on J and J^T gives the
 * values and multipliers of dense LU; a GMRES that is cut short falls back to sparse LU and still
 * agrees.
 */
class KrylovPathTest {
    private static final NewtonOptions KRYLOV = NewtonOptions.defaults().withDenseLimit(0).withKrylovAbove(0);

    @ParameterizedTest
    @ValueSource(longs = {41, 42, 43, 44, 45, 46})
    void gmresAgreesWithDenseLu(long seed) {
        agree(seed, KRYLOV, "newton-gmres-jacobi");
    }

    @ParameterizedTest
    @ValueSource(longs = {51, 52, 53})
    void stalledGmresFallsBackToSparseLu(long seed) {
        // one product per Krylov solve cannot reach 1e-13 on these blocks: every solve stalls
        NewtonOptions starved = new NewtonOptions(KRYLOV.armijo(), KRYLOV.minStep(), KRYLOV.maxCondition(),
                KRYLOV.polishSteps(), 0, 0, KRYLOV.krylovTolerance(), KRYLOV.krylovRestart(), 1);
        agree(seed, starved, "newton-gmres-jacobi-then-sparse-lu-rcm");
    }

    private static void agree(long seed, NewtonOptions newton, String method) {
        Random random = new Random(seed);
        int d = 1 + random.nextInt(3);
        Program p = RandomProgramTest.cyclic(random, d, 3 + random.nextInt(20));
        double[] x = new double[d];
        for (int k = 0; k < d; k++) {
            x[k] = random.nextGaussian();
        }
        SolveResult dense = new BlockCoordinateSolver().solve(p, x).orThrow();
        SolveResult krylov = new BlockCoordinateSolver(SolveOptions.defaults(), newton).solve(p, x);
        assertTrue(krylov.isConverged(), krylov.message() + " (seed " + seed + ")");
        assertEquals(method, krylov.blocks().get(1).method(), "seed " + seed);
        for (int i = 0; i < p.size(); i++) {
            int s = p.slot(i);
            assertEquals(dense.z()[s], krylov.z()[s], 1e-12, "z of " + p.label(i) + " (seed " + seed + ")");
            assertEquals(dense.lambda()[s], krylov.lambda()[s], 1e-11 * Math.max(1, Math.abs(dense.lambda()[s])),
                    "lambda of " + p.label(i) + " (seed " + seed + ")");
        }
        assertTrue(krylov.residuals().max() <= 1e-12, "Lagrangian residuals " + krylov.residuals() + " (seed " + seed
                + ")");
        assertTrue(krylov.blocks().get(1).multiplierResidual() <= 1e-12, "seed " + seed);
    }
}
