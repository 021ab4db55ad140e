package dev.lagrange.solve.admm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each ADMM update against the optimality condition of its own subproblem: the normal equations of
 * the weight step, the ridge equations of the activation step, and a fine grid plus golden-section
 * search for the scalar z-steps.
 */
class AdmmUpdatesTest {
    private static DMatrixRMaj gaussian(int rows, int cols, Random random) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int k = 0; k < m.data.length; k++) {
            m.data[k] = random.nextGaussian();
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(longs = {345, 346, 347})
    void weightStepSolvesItsNormalEquations(long seed) {
        Random random = new Random(seed);
        DMatrixRMaj a = gaussian(6, 50, random);
        DMatrixRMaj z = gaussian(4, 50, random);
        DMatrixRMaj w = new DMatrixRMaj(4, 6);
        assertTrue(AdmmUpdates.weightStep(z, a, 0, w), "seed " + seed);
        // (W a - z) a^T = 0 characterises the least-squares minimiser
        DMatrixRMaj r = new DMatrixRMaj(4, 50);
        CommonOps_DDRM.mult(w, a, r);
        CommonOps_DDRM.subtractEquals(r, z);
        DMatrixRMaj normal = new DMatrixRMaj(4, 6);
        CommonOps_DDRM.multTransB(r, a, normal);
        double scale = NormOps_DDRM.normF(z) * NormOps_DDRM.normF(a);
        assertTrue(NormOps_DDRM.normF(normal) <= 1e-12 * scale, "seed " + seed + ": normal residual " + NormOps_DDRM.normF(normal));
        // and it agrees with the pseudo-inverse z a^+
        DMatrixRMaj pinv = new DMatrixRMaj(50, 6);
        CommonOps_DDRM.pinv(a, pinv);
        DMatrixRMaj expected = new DMatrixRMaj(4, 6);
        CommonOps_DDRM.mult(z, pinv, expected);
        for (int k = 0; k < w.data.length; k++) {
            assertEquals(expected.data[k], w.data[k], 1e-10, "seed " + seed + ", entry " + k);
        }
    }

    @Test
    void weightStepWithADeadUnitStaysFinite() {
        Random random = new Random(345);
        DMatrixRMaj a = gaussian(5, 40, random);
        for (int i = 0; i < 40; i++) {
            a.set(2, i, 0);
        }
        DMatrixRMaj z = gaussian(3, 40, random);
        DMatrixRMaj w = new DMatrixRMaj(3, 5);
        assertTrue(AdmmUpdates.weightStep(z, a, 1e-8, w));
        // the ridge gives the dead unit the pseudo-inverse's zero weight
        for (int r = 0; r < 3; r++) {
            assertEquals(0, w.get(r, 2), 1e-12);
        }
    }

    @Test
    void subnormalResultsAreFlushedToZero() {
        // a unit the next layer ignores keeps a = h(z); subnormal h(z) must come back as exactly zero
        Random random = new Random(345);
        DMatrixRMaj wNext = gaussian(2, 3, random);
        wNext.set(0, 1, 0);
        wNext.set(1, 1, 0);
        DMatrixRMaj z = gaussian(3, 4, random);
        for (int i = 0; i < 4; i++) {
            z.set(1, i, 1e-310 * (i + 1));
        }
        DMatrixRMaj a = new DMatrixRMaj(3, 4);
        assertTrue(AdmmUpdates.activationStep(wNext, gaussian(2, 4, random), z, 1, 10, a));
        for (int i = 0; i < 4; i++) {
            assertEquals(0, a.get(1, i), "sample " + i);
        }
        DMatrixRMaj zOut = new DMatrixRMaj(1, 2);
        AdmmUpdates.reluStep(new DMatrixRMaj(1, 2, true, 0, 0), new DMatrixRMaj(1, 2, true, -1e-310, 1), 1, 10, zOut);
        assertEquals(0, zOut.get(0));
    }

    @ParameterizedTest
    @ValueSource(longs = {345, 346, 347})
    void activationStepSolvesItsRidgeProblem(long seed) {
        Random random = new Random(seed);
        double beta = 0.7;
        double gamma = 10;
        DMatrixRMaj wNext = gaussian(3, 5, random);
        DMatrixRMaj zNext = gaussian(3, 20, random);
        DMatrixRMaj z = gaussian(5, 20, random);
        DMatrixRMaj a = new DMatrixRMaj(5, 20);
        assertTrue(AdmmUpdates.activationStep(wNext, zNext, z, beta, gamma, a), "seed " + seed);
        // gradient of beta ||zNext - W a||^2 + gamma ||a - h(z)||^2: 2 beta W^T (W a - zNext) + 2 gamma (a - h(z))
        DMatrixRMaj r = new DMatrixRMaj(3, 20);
        CommonOps_DDRM.mult(wNext, a, r);
        CommonOps_DDRM.subtractEquals(r, zNext);
        DMatrixRMaj grad = new DMatrixRMaj(5, 20);
        CommonOps_DDRM.multTransA(2 * beta, wNext, r, grad);
        for (int k = 0; k < grad.data.length; k++) {
            grad.data[k] += 2 * gamma * (a.data[k] - Math.max(z.data[k], 0));
        }
        assertTrue(NormOps_DDRM.normF(grad) <= 1e-12 * gamma * NormOps_DDRM.normF(a),
                "seed " + seed + ": stationarity residual " + NormOps_DDRM.normF(grad));
    }

    /** A minimiser of f on [lo, hi] by a grid of spacing 1e-3 then golden-section search around the best point. */
    static double gridMinimiser(DoubleUnaryOperator f, double lo, double hi) {
        double best = lo;
        for (double x = lo; x <= hi; x += 1e-3) {
            if (f.applyAsDouble(x) < f.applyAsDouble(best)) {
                best = x;
            }
        }
        double left = best - 1e-3;
        double right = best + 1e-3;
        double g = (Math.sqrt(5) - 1) / 2;
        for (int i = 0; i < 200 && right - left > 1e-13; i++) {
            double c = right - g * (right - left);
            double d = left + g * (right - left);
            if (f.applyAsDouble(c) <= f.applyAsDouble(d)) {
                right = d;
            } else {
                left = c;
            }
        }
        double x = (left + right) / 2;
        return f.applyAsDouble(x) < f.applyAsDouble(best) ? x : best;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void reluStepIsTheScalarMinimiser(long seed) {
        Random random = new Random(seed);
        for (int trial = 0; trial < 25; trial++) {
            double a = 2 * random.nextGaussian();
            double m = 2 * random.nextGaussian();
            double beta = 0.1 + 2 * random.nextDouble();
            double gamma = 0.1 + 20 * random.nextDouble();
            DoubleUnaryOperator f = z -> gamma * Math.pow(a - Math.max(z, 0), 2) + beta * (z - m) * (z - m);
            double z = AdmmUpdates.reluStep(a, m, beta, gamma);
            double search = gridMinimiser(f, -10, 10);
            String where = "seed " + seed + ", trial " + trial + ": a " + a + ", m " + m + ", beta " + beta + ", gamma " + gamma;
            assertTrue(f.applyAsDouble(z) <= f.applyAsDouble(search) + 1e-12, where + ": closed form " + z + ", search " + search);
            assertEquals(search, z, 1e-6, where);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void outputStepsAreTheScalarMinimisers(long seed) {
        Random random = new Random(seed);
        for (Loss loss : Loss.values()) {
            for (int trial = 0; trial < 25; trial++) {
                double m = 1.5 * random.nextGaussian() + 0.5;
                double lambda = random.nextGaussian();
                double beta = 0.1 + 2 * random.nextDouble();
                double y = random.nextInt(2);
                DoubleUnaryOperator f = z -> loss.value(z, y) + lambda * z + beta * (z - m) * (z - m);
                double z = loss.outputStep(m, lambda, beta, y);
                double search = gridMinimiser(f, -15, 15);
                String where = "seed " + seed + ", " + loss + " trial " + trial + ": m " + m + ", lambda " + lambda
                        + ", beta " + beta + ", y " + y;
                assertTrue(f.applyAsDouble(z) <= f.applyAsDouble(search) + 1e-12, where + ": closed form " + z + ", search " + search);
                assertEquals(search, z, 1e-6, where);
            }
        }
    }

    @Test
    void hingeOutputStepHitsItsKinks() {
        // y = 1: lambda + 2 beta (1 - m) in [0, 1] puts 0 in the subdifferential at z = 1
        assertEquals(1, Loss.HINGE.outputStep(1, 0, 1, 1));
        assertEquals(1, Loss.HINGE.outputStep(0.8, 0.2, 1, 1));
        assertEquals(1, Loss.HINGE.outputStep(1.2, 0.9, 2, 1));
        // y = 0: lambda + 2 beta (0 - m) in [-1, 0] puts 0 in the subdifferential at z = 0
        assertEquals(0, Loss.HINGE.outputStep(0, 0, 1, 0));
        assertEquals(0, Loss.HINGE.outputStep(0.3, -0.1, 1, 0));
        // off the kinks, the smooth pieces
        assertEquals(2 - 0.25, Loss.HINGE.outputStep(2, 0.5, 1, 1), 1e-15);
        assertEquals(-1 - 0.25, Loss.HINGE.outputStep(-1, 0.5, 1, 0), 1e-15);
        assertEquals(-2 + 0.25, Loss.HINGE.outputStep(-2, 0.5, 1, 1), 1e-15);
        assertEquals(3 - 0.75, Loss.HINGE.outputStep(3, 0.5, 1, 0), 1e-15);
    }

    @Test
    void multiplierStepAddsToTheOldMultipliers() {
        DMatrixRMaj lambda = new DMatrixRMaj(1, 3, true, 0.5, -1, 2);
        DMatrixRMaj z = new DMatrixRMaj(1, 3, true, 1, 2, 3);
        DMatrixRMaj m = new DMatrixRMaj(1, 3, true, 0, 2.5, 3);
        AdmmUpdates.multiplierStep(z, m, 2, lambda);
        assertEquals(0.5 + 2, lambda.get(0), 1e-15);
        assertEquals(-1 - 1, lambda.get(1), 1e-15);
        assertEquals(2, lambda.get(2), 1e-15);
    }
}
