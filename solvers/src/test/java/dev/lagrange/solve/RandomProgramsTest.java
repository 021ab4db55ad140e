package dev.lagrange.solve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.lagrangian.Lagrangian;
import dev.lagrange.program.Program;
import dev.lagrange.solve.substitution.Jacobians;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the two block-coordinate steps on seeded random acyclic programs, each checked
 * against a method that shares no code with back-substitution: forward mode
 * ({@code DerivativeStructure}), central differences, the Lagrangian's own residuals.
 */
class RandomProgramsTest {
    /** Seeds 0..39; the shapes cycle through d = 1..4 inputs and m = 1..4 outputs. */
    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    static RandomPrograms.Sample sample(long seed) {
        return RandomPrograms.acyclic(seed, 1 + (int) (seed % 4), 1 + (int) (seed / 4 % 4));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void gradientMatchesForwardModeAndCentralDifferences(long seed) {
        RandomPrograms.Sample s = sample(seed);
        SolveResult r = solve(s);
        double[] g = r.gradient();
        double[] forward = GradientCheck.of(s.program()).forwardMode(s.x());
        // Both are exact up to rounding; they differ in the order of their sums.
        assertClose(forward, g, 1e-12, "seed " + seed + ": back-substitution vs forward mode");

        GradientCheck.Report perInput = GradientCheck.of(s.program()).withDirections(0).check(s.x(), g);
        GradientCheck.Comparison differences = perInput.comparisons().get(1);
        assertEquals(GradientCheck.CENTRAL_DIFFERENCES, differences.method());
        assertTrue(differences.maxRelativeError() <= 1e-6, "seed " + seed + ": " + differences);
        // A directional derivative may cancel to nearly 0; its error is measured against the
        // largest one, |grad|, instead.
        GradientCheck.Report directions = GradientCheck.of(s.program()).withDirections(5).withSeed(seed)
                .withFloor(Math.max(1e-8, norm(g))).check(s.x(), g);
        assertTrue(directions.passed(1e-6), "seed " + seed + ": " + directions);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void residualsAreAtRoundingLevelAfterTheTwoSteps(long seed) {
        RandomPrograms.Sample s = sample(seed);
        SolveResult r = solve(s);
        Lagrangian.Residuals residuals = Lagrangian.of(s.program()).residuals(r.x(), r.z(), r.lambda());
        assertEquals(0.0, residuals.constraints(), 0.0, "seed " + seed + ": the z-step satisfies every constraint exactly");
        assertEquals(residuals, r.residuals(), "seed " + seed);
        // lambda_j is summed in a different order by the sweep and by dL/dz: a few ulps of the
        // largest multiplier.
        double bound = 1e-14 * Math.max(1, maxAbs(r.lambda()));
        assertTrue(residuals.multipliers() <= bound, "seed " + seed + ": stationarity residual "
                + residuals.multipliers() + " at " + s.program().label(residuals.worstMultiplier()) + " > " + bound);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void jacobianMatchesForwardModeRowByRow(long seed) {
        RandomPrograms.Sample s = sample(seed);
        Program p = s.program();
        SolveResult r = solve(s);
        double[][] jac = Jacobians.jacobian(p, r.z());
        assertEquals(p.outputCount() <= p.inputCount(), Jacobians.usesReverseMode(p), "seed " + seed);
        String mode = Jacobians.usesReverseMode(p) ? "reverse" : "forward";
        assertEquals(p.outputCount(), jac.length);
        for (int k = 0; k < p.outputCount(); k++) {
            double[] row = GradientCheck.of(p.withOutputs(p.output(k))).forwardMode(s.x());
            assertClose(row, jac[k], 1e-12, "seed " + seed + ": row " + k + " of the Jacobian (" + mode + " sweeps)");
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void lagrangianGradientAtAnInfeasiblePointMatchesCentralDifferences(long seed) {
        RandomPrograms.Sample s = sample(seed);
        Program p = s.program();
        SolveResult r = solve(s);
        Random random = new Random(seed);
        double[] z = r.z().clone();
        double[] lambda = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            z[i] += 1e-2 * random.nextGaussian(); // small enough to stay in every domain
            lambda[i] = random.nextGaussian();
        }
        Lagrangian lagrangian = Lagrangian.of(p);
        Lagrangian.Gradient g = lagrangian.gradient(s.x(), z, lambda);
        double[] x = s.x().clone();
        double[][] points = {x, z, lambda};
        double[][] analytic = {g.x(), g.z(), g.lambda()};
        for (int v = 0; v < 3; v++) {
            for (int k = 0; k < points[v].length; k++) {
                double saved = points[v][k];
                double h = 1e-6 * Math.max(1, Math.abs(saved));
                points[v][k] = saved + h;
                double up = lagrangian.value(x, z, lambda);
                points[v][k] = saved - h;
                double down = lagrangian.value(x, z, lambda);
                points[v][k] = saved;
                double fd = (up - down) / (2 * h);
                double ad = analytic[v][k];
                // L sums ~n terms of size up to 10^3: rounding in the difference is ~n eps 10^3 / h.
                assertTrue(Math.abs(ad - fd) <= 1e-5 + 1e-6 * Math.abs(fd), "seed " + seed + ": dL/d"
                        + "x z lambda".split(" ")[v] + "[" + k + "] = " + ad + " vs central difference " + fd);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aNaNInputIsNamed(long seed) {
        RandomPrograms.Sample s = sample(seed);
        double[] x = s.x().clone();
        int k = (int) (seed % x.length);
        x[k] = Double.NaN;
        SolveResult r = new BlockCoordinateSolver().solve(s.program(), x);
        assertEquals(SolveStatus.NON_FINITE, r.status(), "seed " + seed);
        assertEquals("input 'x" + k + "' is NaN", r.message(), "seed " + seed);
    }

    @Test
    void threadsSharingOneProgramGetIdenticalResults() throws Exception {
        RandomPrograms.Sample s = sample(11);
        Program p = s.program();
        int threads = 8;
        int points = 50;
        double[][] x = new double[points][];
        SolveResult[] reference = new SolveResult[points];
        Random random = new Random(11);
        for (int i = 0; i < points; i++) {
            x[i] = s.x().clone();
            for (int k = 0; k < x[i].length; k++) {
                x[i][k] += 0.1 * random.nextGaussian();
            }
            reference[i] = solve(p, x[i], 11);
        }
        // users() is computed lazily on first use: the race to build it is part of the test.
        Program fresh = sample(11).program();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                Callable<Void> job = () -> {
                    start.await();
                    for (int j = 0; j < fresh.size(); j++) {
                        assertArrayEquals(p.users(j), fresh.users(j), "users of node " + j);
                    }
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < points; i++) {
                            int at = (i + offset) % points;
                            SolveResult r = new BlockCoordinateSolver().solve(p, x[at]);
                            assertArrayEquals(reference[at].z(), r.z(), "thread " + offset + ", point " + at);
                            assertArrayEquals(reference[at].lambda(), r.lambda(), "thread " + offset + ", point " + at);
                        }
                    }
                    return null;
                };
                futures.add(pool.submit(job));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static SolveResult solve(RandomPrograms.Sample s) {
        return solve(s.program(), s.x(), s.seed());
    }

    private static SolveResult solve(Program p, double[] x, long seed) {
        SolveResult r = new BlockCoordinateSolver().solve(p, x);
        assertEquals(SolveStatus.CONVERGED, r.status(), () -> "seed " + seed + ": " + r.message());
        return r;
    }

    /** {@code |expected - actual|_inf <= relative * |expected|_inf}, or both zero. */
    static void assertClose(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = maxAbs(expected);
        for (int k = 0; k < expected.length; k++) {
            int at = k;
            assertTrue(Math.abs(expected[k] - actual[k]) <= relative * scale,
                    () -> what + ", entry " + at + ": " + actual[at] + " vs " + expected[at] + " (scale " + scale + ")");
        }
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return Math.sqrt(s);
    }
}
