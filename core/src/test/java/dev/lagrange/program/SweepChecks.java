package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.lagrangian.Lagrangian;
import java.util.Random;

/** The reverse-sweep gradient and the checks around it that the vector-node tests share. */
final class SweepChecks {
    private SweepChecks() {
    }

    /**
     * The reverse sweep's gradient at x.
     *
     * @param z Modified: the forward pass's values.
     * @param lambda Modified: the multipliers (zero on entry).
     */
    static double[] gradient(Program p, double[] x, double[] z, double[] lambda) {
        Sweeps.forward(p, x, z);
        lambda[p.slot(p.objective())] = 1;
        Sweeps.reverse(p, z, lambda, lambda, 0, p.size());
        double[] g = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            g[k] = lambda[p.inputSlot(k)];
        }
        return g;
    }

    /**
     * The tangent sweep along a random direction (seeded by {@code seed + 100}) gives {@code <dx, grad>},
     * and the Lagrangian's residuals vanish at the sweeps' z and lambda.
     */
    static void assertTangentAndResiduals(Program p, double[] x, long seed) {
        double[] z = new double[p.slotCount()];
        double[] lambda = new double[p.slotCount()];
        double[] grad = gradient(p, x, z, lambda);
        Random random = new Random(seed + 100);
        double[] dx = new double[x.length];
        double expected = 0;
        double scale = 0;
        for (int k = 0; k < dx.length; k++) {
            dx[k] = random.nextGaussian();
            expected += dx[k] * grad[k];
            scale += Math.abs(dx[k] * grad[k]);
        }
        double[] dz = new double[p.slotCount()];
        Sweeps.tangent(p, z, dx, dz);
        assertEquals(expected, dz[p.slot(p.objective())], 1e-13 * scale, "seed " + seed + ": <dx, grad> vs J dx");
        Lagrangian.Residuals r = Lagrangian.of(p).residuals(x, z, lambda);
        assertTrue(r.max() <= 1e-13, "seed " + seed + ": " + r);
    }

    /** n standard normal draws from {@code new Random(seed)}: a sample point. */
    static double[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = random.nextGaussian();
        }
        return x;
    }
}
