package dev.lagrange.solve.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.data.DMatrixSparseTriplet;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.ops.DConvertMatrixStruct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sparse solves by A and A^T from one factorization against dense solves; fill with and without RCM. */
class SparseLuTest {
    /** A randomly numbered 2-D grid operator I - K with K of row sums below 1 plus a few random links. */
    static DMatrixSparseCSC scrambledGrid(Random random, int side) {
        int n = side * side;
        int[] label = new int[n];
        for (int i = 0; i < n; i++) {
            label[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = label[i];
            label[i] = label[j];
            label[j] = t;
        }
        DMatrixSparseTriplet t = new DMatrixSparseTriplet(n, n, 6 * n);
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                int v = label[r * side + c];
                t.addItem(v, v, 1);
                int[][] nb = {{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}};
                for (int[] w : nb) {
                    if (w[0] >= 0 && w[0] < side && w[1] >= 0 && w[1] < side) {
                        t.addItem(v, label[w[0] * side + w[1]], -0.2 * random.nextDouble());
                    }
                }
            }
        }
        return DConvertMatrixStruct.convert(t, (DMatrixSparseCSC) null);
    }

    @ParameterizedTest
    @ValueSource(longs = {345, 346, 347})
    void solvesAgainstDense(long seed) {
        Random random = new Random(seed);
        DMatrixSparseCSC a = scrambledGrid(random, 3 + random.nextInt(6));
        int n = a.numCols;
        DMatrixRMaj dense = DConvertMatrixStruct.convert(a, (DMatrixRMaj) null);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = random.nextGaussian();
        }
        DMatrixRMaj x = new DMatrixRMaj(n, 1);
        DMatrixRMaj xt = new DMatrixRMaj(n, 1);
        assertTrue(CommonOps_DDRM.solve(dense, new DMatrixRMaj(n, 1, true, b), x));
        assertTrue(CommonOps_DDRM.solve(CommonOps_DDRM.transpose(dense, null), new DMatrixRMaj(n, 1, true, b), xt));
        for (boolean ordered : new boolean[] {false, true}) {
            SparseLu lu = new SparseLu(a, ordered ? new ReverseCuthillMcKee() : null);
            double[] s = b.clone();
            double[] st = b.clone();
            lu.solve(s, new double[n]);
            lu.solveTransposed(st, new double[n]);
            for (int i = 0; i < n; i++) {
                assertEquals(x.get(i), s[i], 1e-13, "x" + i + " ordered " + ordered + " (seed " + seed + ")");
                assertEquals(xt.get(i), st[i], 1e-13, "A^T x" + i + " ordered " + ordered + " (seed " + seed + ")");
            }
        }
    }

    @Test
    void reverseCuthillMcKeeReducesFill() {
        DMatrixSparseCSC a = scrambledGrid(new Random(345), 40);
        int natural = new SparseLu(a, null).factorNonzeros();
        int rcm = new SparseLu(a, new ReverseCuthillMcKee()).factorNonzeros();
        assertTrue(rcm * 3 < natural, "fill nnz(L) + nnz(U): scrambled order " + natural + ", RCM " + rcm);
    }
}
