package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorKernels.JacobianRows} (values computed once, rows on their support) gives every row of
 * every vector primitive exactly as {@link VectorKernels#jacobianRow} (a full VJP per row), and
 * {@code jacobianRow} is zero off the support that JacobianRows reads.
 */
class JacobianRowsTest {
    @Test
    void everyRowOfEveryVectorPrimitiveAgrees() {
        Random random = new Random(7);
        var b = Program.builder();
        Var x = b.inputVector("x", gaussian(random, 4));
        Var y = b.inputVector("y", new double[] {0.1, 0.2, 0.3, 0.4});
        Var W = b.inputMatrix("W", 3, 4, gaussian(random, 12));
        Var s = b.input("s", 0.7);
        Var u = b.input("u", -1.3);
        Var wx = b.matvec(W, x);
        Var h = b.map(Primitive.TANH, wx);
        Var v = b.vectorAdd(b.map(Primitive.SIGMOID, x), b.hadamard(x, y));
        Var d = b.vectorSub(v, b.scale(0.5, x));
        Var e = b.scale(s, b.map(Primitive.EXP, d));
        Var sm = b.softmax(e);
        Var st = b.stack(u, s, u, b.element(h, 2));
        Var xc = b.let("xc", x); // a copy: x is an input
        // A 4 x 4 sparse matrix with an empty row: 5 values, 4 rows.
        SparseMatrix A = b.inputSparseMatrix("A", 4, 4, new int[] {0, 2, 2, 3, 5}, new int[] {0, 3, 1, 0, 2},
                gaussian(random, 5));
        Var wt = b.matvecTransposed(W, h);
        Var outer = b.outer(h, x);
        Var affine = b.vectorAffine(1, -2, x);
        Var step = b.step(d);
        Var zip = b.zip(Primitive.MAX, x, y);
        Var terms = b.stack(b.dot(xc, x), b.dot(x, x), b.vectorSum(h), b.logsumexp(sm), b.squaredLoss(st, y),
                b.crossEntropy(d, y), b.element(b.map(Primitive.RELU, st), 1), b.vectorSum(b.sparseMatvec(A, d)),
                b.dot(wt, x), b.vectorSum(outer), b.dot(affine, step), b.dot(zip, x));
        Program p = b.output(b.vectorSum(terms)).build();

        double[] z = new double[p.slotCount()];
        double[] inputs = p.inputDefaults();
        Sweeps.forward(p, inputs, z);
        int checked = 0;
        Set<VectorPrimitive> seen = EnumSet.noneOf(VectorPrimitive.class);
        for (int i = 0; i < p.size(); i++) {
            if (!p.isVector(i)) {
                continue;
            }
            seen.add(p.vectorPrimitive(i));
            VectorKernels.JacobianRows rows = new VectorKernels.JacobianRows(p, i, inputs, z);
            int length = VectorKernels.rowLength(p, i);
            int[] slots = new int[length];
            double[] full = new double[length];
            int[] rowSlots = new int[rows.maxLength()];
            double[] partials = new double[rows.maxLength()];
            int[] support = new int[length];
            for (int r = 0; r < p.width(i); r++) {
                VectorKernels.jacobianRow(p, i, r, inputs, z, slots, full);
                int count = VectorKernels.rowSupport(p, i, r, support);
                Map<Integer, Double> expected = new TreeMap<>();
                for (int k = 0; k < length; k++) {
                    expected.merge(slots[k], full[k], Double::sum);
                }
                Map<Integer, Double> actual = new TreeMap<>();
                int n = rows.row(r, rowSlots, partials);
                assertEquals(count, n);
                for (int k = 0; k < n; k++) {
                    actual.merge(rowSlots[k], partials[k], Double::sum);
                }
                for (Map.Entry<Integer, Double> entry : expected.entrySet()) {
                    double got = actual.getOrDefault(entry.getKey(), 0.0);
                    assertEquals(entry.getValue(), got, 0.0, p.label(i) + " row " + r + " slot " + entry.getKey());
                }
                checked++;
            }
        }
        // 86 before the sparse matrix; its values (5 rows), the spmv (4), its sum (1), one more stacked term;
        // then matvecTransposed (4), outer (12), affine (4), step (4), three reductions and three stacked terms;
        // then a zip (4), its dot and its stacked term.
        assertEquals(86 + 5 + 4 + 1 + 1 + 4 + 12 + 4 + 4 + 3 + 3 + 4 + 1 + 1, checked, "rows checked");
        assertEquals(EnumSet.allOf(VectorPrimitive.class), seen, "every vector primitive is in the program");
    }

    private static double[] gaussian(Random random, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = random.nextGaussian();
        }
        return v;
    }
}
