package dev.lagrange.solve.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Solves by A and A^T from one set of packed factors against EJML's own solver, and the condition estimate. */
class DenseLuTest {
    @ParameterizedTest
    @ValueSource(longs = {345, 346, 347, 348})
    void solvesAgainstEjml(long seed) {
        Random random = new Random(seed);
        int n = 1 + random.nextInt(40);
        DMatrixRMaj a = RandomMatrices_DDRM.rectangle(n, n, -1, 1, random);
        DMatrixRMaj b = RandomMatrices_DDRM.rectangle(n, 1, -1, 1, random);
        DMatrixRMaj expected = new DMatrixRMaj(n, 1);
        DMatrixRMaj expectedT = new DMatrixRMaj(n, 1);
        assertTrue(CommonOps_DDRM.solve(a, b, expected));
        assertTrue(CommonOps_DDRM.solve(CommonOps_DDRM.transpose(a, null), b, expectedT));
        DenseLu lu = new DenseLu(a);
        double[] x = b.data.clone();
        double[] xt = b.data.clone();
        lu.solve(x, new double[n]);
        lu.solveTransposed(xt, new double[n]);
        DMatrixRMaj inverse = new DMatrixRMaj(n, n);
        assertTrue(CommonOps_DDRM.invert(a, inverse));
        double kappa = NormOps_DDRM.normP1(a) * NormOps_DDRM.normP1(inverse);
        for (int i = 0; i < n; i++) {
            assertEquals(expected.get(i), x[i], 1e-15 * kappa * Math.max(1, Math.abs(expected.get(i))),
                    "x[" + i + "] (seed " + seed + ", n " + n + ")");
            assertEquals(expectedT.get(i), xt[i], 1e-15 * kappa * Math.max(1, Math.abs(expectedT.get(i))),
                    "A^T solve x[" + i + "] (seed " + seed + ", n " + n + ")");
        }
        double estimate = lu.conditionEstimate();
        assertTrue(estimate <= kappa * (1 + 1e-10) && estimate >= kappa / 3,
                "estimate " + estimate + " vs kappa_1 " + kappa + " (seed " + seed + ", n " + n + ")");
    }
}
