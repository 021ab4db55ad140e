package dev.lagrange.solve.multiplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On seeded strongly convex programs every method reaches back-substitution's KKT point (z*, lambda*)
 * at fixed inputs, and gradient descent on the inputs driven by each method's gradient reaches the
 * minimiser that backprop plus the same optimiser reaches. Tolerances per method, on max-norms:
 * sweeps and dual ascent 1e-9 (their stopping tolerance 1e-11 times a modest condition number), the
 * augmented Lagrangian 1e-7 (stopping 1e-9; its z is only near-feasible), ADMM with tight eps 1e-6,
 * ADMM with Boyd's default eps (1e-4, 1e-2) 5e-2 relative to ||lambda*||.
 */
class KktAgreementTest {
    static List<MultiplierSolver> methods(Program p) {
        SolveOptions tight = SolveOptions.defaults().withTolerance(1e-11).withMaxIterations(5000);
        List<int[]> layers = layers(p);
        return List.of(
                new ExactBackSubstitution(),
                new MultiplierSweeps(MultiplierSweeps.Order.JACOBI, tight),
                new MultiplierSweeps(MultiplierSweeps.Order.GAUSS_SEIDEL, tight),
                new DualAscent(DualAscent.Step.FIXED, 0.5, tight),
                new DualAscent(DualAscent.Step.STEEPEST, 1, tight.withMaxIterations(200000)),
                new AugmentedLagrangian(SolveOptions.defaults().withTolerance(1e-9).withMaxIterations(100)),
                new BlockAdmm(layers, SolveOptions.defaults().withMaxIterations(20000), 10, ResidualBalancing.boyd(), 1e-9,
                        0));
    }

    /** The nodes split into three contiguous layers. */
    static List<int[]> layers(Program p) {
        int n = p.size();
        List<int[]> blocks = new ArrayList<>();
        blocks.add(IntStream.range(0, n / 3).toArray());
        blocks.add(IntStream.range(n / 3, 2 * n / 3).toArray());
        blocks.add(IntStream.range(2 * n / 3, n).toArray());
        return blocks;
    }

    private static double tolerance(MultiplierSolver m) {
        if (m instanceof AugmentedLagrangian) {
            return 1e-7;
        }
        return m instanceof BlockAdmm ? 1e-6 : 1e-9;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void everyMethodReachesBackpropsKktPoint(long seed) {
        TestPrograms.Sample s = TestPrograms.convex(seed, 3);
        SolveResult exact = new BlockCoordinateSolver().solve(s.program(), s.x()).orThrow();
        for (MultiplierSolver m : methods(s.program())) {
            IterativeResult r = m.solveWithHistory(s.program(), s.x());
            String where = "seed " + seed + ", " + m.name() + ": " + r.result().message();
            assertTrue(r.result().isConverged(), where);
            double tol = tolerance(m);
            assertEquals(0, MultiplierSweepsTest.maxDiff(exact.lambda(), r.result().lambda()), tol, where);
            assertEquals(0, MultiplierSweepsTest.maxDiff(exact.z(), r.result().z()), tol, where);
            assertEquals(r.history().size(), r.iterations(), where);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8})
    void admmWithBoydsDefaultRuleStopsNearTheKktPoint(long seed) {
        TestPrograms.Sample s = TestPrograms.convex(seed, 3);
        SolveResult exact = new BlockCoordinateSolver().solve(s.program(), s.x()).orThrow();
        IterativeResult r = new BlockAdmm(layers(s.program()), SolveOptions.defaults().withMaxIterations(5000))
                .solveWithHistory(s.program(), s.x());
        assertTrue(r.result().isConverged(), "seed " + seed + ": " + r.result().message());
        double scale = MultiplierSweepsTest.maxDiff(exact.lambda(), new double[exact.lambda().length]);
        assertEquals(0, MultiplierSweepsTest.maxDiff(exact.lambda(), r.result().lambda()), 5e-2 * scale,
                "seed " + seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12})
    void gradientDescentOnTheInputsReachesTheSameMinimiser(long seed) {
        TestPrograms.Sample s = TestPrograms.convex(seed, 3);
        // f is 1-strongly convex with L <= 1 + 4 * 3 / 4, so step 1/4 contracts by 3/4 per step
        double[] reference = descend(new ExactBackSubstitution(), s.program(), s.x());
        for (MultiplierSolver m : methods(s.program())) {
            double[] x = descend(m, s.program(), s.x());
            assertEquals(0, MultiplierSweepsTest.maxDiff(reference, x), 10 * tolerance(m), "seed " + seed + ", "
                    + m.name());
        }
    }

    private static double[] descend(MultiplierSolver m, Program p, double[] x0) {
        double[] x = x0.clone();
        for (int k = 0; k < 60; k++) {
            SolveResult r = m.solve(p, x).orThrow();
            for (int j = 0; j < x.length; j++) {
                x[j] -= 0.25 * r.gradient()[j];
            }
        }
        return x;
    }
}
