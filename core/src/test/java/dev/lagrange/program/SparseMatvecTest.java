package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sparseMatvec} in programs: the reverse sweep against forward mode and central differences on
 * a program mixing it with scalar nodes, stack, tanh and a matrix whose values are computed (not
 * inputs); the tangent sweep and the Lagrangian; the sparse and the dense matvec of the same matrix
 * giving the same numbers; entry labels; the builder's checks and its placeholder rule.
 */
class SparseMatvecTest {
    /** A 5 x 4 pattern: row 2 empty, row 3 full. */
    private static final int[] ROW_START = {0, 2, 3, 3, 7, 8};
    private static final int[] COLS = {1, 3, 0, 0, 1, 2, 3, 2};

    /**
     * {@code h = tanh(A stack(x1, x2, x1, x3) + b)}, {@code g = B h} with B's 6 values {@code exp(c)}
     * computed from inputs c (a 3 x 5 pattern), {@code f = 1/2 |h - y|^2 + x2 sum(g) + g_1^2}.
     */
    private static Program program() {
        var b = Program.builder();
        Var x1 = b.input("x1", 0);
        Var x2 = b.input("x2", 0);
        Var x3 = b.input("x3", 0);
        SparseMatrix a = b.inputSparseMatrix("A", 5, 4, ROW_START, COLS, new double[COLS.length]);
        Var bias = b.inputVector("b", new double[5]);
        Var y = b.inputVector("y", new double[5]);
        Var c = b.inputVector("c", new double[6]);
        Var h = b.let("h", b.map(Primitive.TANH, b.vectorAdd(b.sparseMatvec(a, b.stack(x1, x2, x1, x3)), bias)));
        Var values = b.map(Primitive.EXP, c);
        Var g = b.let("g", b.sparseMatvec(values, 3, 5, new int[] {0, 3, 4, 6}, new int[] {0, 2, 4, 1, 0, 4}, h));
        Var g1 = b.element(g, 0);
        Var f = b.let("f", b.add(b.add(b.squaredLoss(h, y), b.mul(x2, b.vectorSum(g))), b.mul(g1, g1)));
        return b.output(f).build();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void reverseSweepAgreesWithForwardModeAndCentralDifferences(long seed) {
        Program p = program();
        assertEquals(3 + 8 + 5 + 5 + 6, p.inputCount());
        double[] x = SweepChecks.gaussian(p.inputCount(), seed);
        double[] grad = SweepChecks.gradient(p, x, new double[p.slotCount()], new double[p.slotCount()]);
        GradientCheck check = GradientCheck.of(p);
        double[] fm = check.forwardMode(x);
        for (int k = 0; k < x.length; k++) {
            assertEquals(fm[k], grad[k], 1e-12 * Math.max(1, Math.abs(fm[k])),
                    "seed " + seed + ": forward mode, " + p.inputLabel(k));
            assertTrue(grad[k] != 0 || p.inputLabel(k).startsWith("y"), "seed " + seed + ": " + p.inputLabel(k) + " unused");
        }
        GradientCheck.Report report = check.check(x, grad);
        assertTrue(report.passed(1e-7), "seed " + seed + ": " + report.worst());

        SweepChecks.assertTangentAndResiduals(p, x, seed);
    }

    @Test
    void entriesAreLabelledByRowAndColumn() {
        Program p = program();
        String[] expected = {"A[1,2]", "A[1,4]", "A[2,1]", "A[4,1]", "A[4,2]", "A[4,3]", "A[4,4]", "A[5,3]"};
        for (int e = 0; e < expected.length; e++) {
            assertEquals(expected[e], p.inputLabel(3 + e));
        }
        assertEquals("b[1]", p.inputLabel(3 + 8));
        int g = p.nodeNamed("g");
        int spmv = p.arguments(p.arguments(p.nodeNamed("h"))[0])[0];
        assertEquals(VectorPrimitive.SPARSE_MATVEC, p.vectorPrimitive(spmv));
        assertEquals("spmv", p.vectorPrimitive(spmv).symbol());
        assertEquals(3, p.width(g));
        // (m, n, nnz), rowStart, col: the pattern lives in the node.
        assertEquals(3 + 6 + 8, p.parameters(spmv).length);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8})
    void sparseAndDenseMatvecGiveTheSameNumbers(long seed) {
        Random random = new Random(seed);
        double[] values = new double[COLS.length];
        double[] dense = new double[5 * 4];
        for (int r = 0; r < 5; r++) {
            for (int e = ROW_START[r]; e < ROW_START[r + 1]; e++) {
                values[e] = random.nextGaussian();
                dense[r * 4 + COLS[e]] = values[e];
            }
        }
        double[] u0 = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
        double[] y0 = new double[5];
        for (int r = 0; r < 5; r++) {
            y0[r] = random.nextGaussian();
        }
        Program[] both = new Program[2];
        for (int form = 0; form < 2; form++) {
            var b = Program.builder();
            Var u = b.inputVector("u", u0);
            Var y = b.inputVector("y", y0);
            Var au = form == 0 ? b.matvec(b.inputMatrix("A", 5, 4, dense), u)
                    : b.sparseMatvec(b.inputSparseMatrix("A", 5, 4, ROW_START, COLS, values), u);
            Var h = b.let("h", b.map(Primitive.TANH, au));
            both[form] = b.output(b.let("f", b.add(b.squaredLoss(h, y), b.dot(h, h)))).build();
        }
        double[][] z = new double[2][];
        double[][] grad = new double[2][];
        for (int form = 0; form < 2; form++) {
            Program p = both[form];
            z[form] = new double[p.slotCount()];
            grad[form] = SweepChecks.gradient(p, p.inputDefaults(), z[form], new double[p.slotCount()]);
        }
        int hd = both[0].slot(both[0].nodeNamed("h"));
        int hs = both[1].slot(both[1].nodeNamed("h"));
        for (int r = 0; r < 5; r++) {
            assertEquals(z[0][hd + r], z[1][hs + r], 0.0, "seed " + seed + ": h" + r);
        }
        assertEquals(z[0][both[0].slot(both[0].objective())], z[1][both[1].slot(both[1].objective())], 0.0);
        // Inputs: u (4), y (5), then A: 20 dense entries or 8 values.
        for (int k = 0; k < 9; k++) {
            assertEquals(grad[0][k], grad[1][k], 0.0, "seed " + seed + ": " + both[0].inputLabel(k));
        }
        for (int r = 0; r < 5; r++) {
            for (int e = ROW_START[r]; e < ROW_START[r + 1]; e++) {
                int k = 9 + r * 4 + COLS[e];
                assertEquals(both[0].inputLabel(k), both[1].inputLabel(9 + e));
                assertEquals(grad[0][k], grad[1][9 + e], 0.0, "seed " + seed + ": " + both[1].inputLabel(9 + e));
            }
        }
    }

    @Test
    void theLagPrinterRefusesASparseMatrix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.lagrange.lang.LagPrinter.print(program()));
        assertEquals("sparse matrix A has no .lag form", e.getMessage());
    }

    @Test
    void aPlaceholderOperandTakesTheColumnCount() {
        var b = Program.builder();
        SparseMatrix a = b.inputSparseMatrix("A", 5, 4, ROW_START, COLS, new double[COLS.length]);
        Var v = b.declare("v");
        b.sparseMatvec(a, v);
        assertEquals(4, b.width(v));
        assertTrue(!b.isWidthDeferred(v));
        Var w = b.declare("w");
        ProgramException e = assertThrows(ProgramException.class,
                () -> b.sparseMatvec(w, 5, 4, ROW_START, COLS, b.inputVector("u", new double[4])));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("declareVector"), e.getMessage());
    }

    @Test
    void badPatternsAreRefusedWithTheirEntry() {
        var b = Program.builder();
        Var u = b.inputVector("u", new double[4]);
        Var vals = b.inputVector("vals", new double[3]);
        assertMessage("rowStart has 3 entries; a 3-row matrix needs rows + 1 = 4",
                () -> b.sparseMatvec(vals, 3, 4, new int[] {0, 1, 3}, new int[] {0, 1, 2}, u));
        assertMessage("rowStart decreases: rowStart[2] = 1 < rowStart[1] = 2",
                () -> b.sparseMatvec(vals, 3, 4, new int[] {0, 2, 1, 3}, new int[] {0, 1, 2}, u));
        assertMessage("colIndex[1] = 4 (row 0) is outside 0..3",
                () -> b.sparseMatvec(vals, 3, 4, new int[] {0, 2, 2, 3}, new int[] {0, 4, 2}, u));
        assertMessage("row 0 lists column 1 twice (colIndex[0] and colIndex[1])",
                () -> b.sparseMatvec(vals, 3, 4, new int[] {0, 2, 2, 3}, new int[] {1, 1, 2}, u));
        assertMessage("row 2's columns are not sorted: colIndex[1] = 3 > colIndex[2] = 2",
                () -> b.sparseMatvec(vals, 3, 4, new int[] {0, 1, 1, 3}, new int[] {0, 3, 2}, u));
        assertMessage("rowStart[3] is 2 but colIndex has 3 entries (nnz)",
                () -> b.sparseMatvec(vals, 3, 4, new int[] {0, 1, 1, 2}, new int[] {0, 3, 2}, u));
        assertMessage("the pattern has 2 nonzeros but vals has 3 entries",
                () -> b.sparseMatvec(vals, 3, 4, new int[] {0, 1, 1, 2}, new int[] {0, 3}, u));
        assertMessage("the matrix is 3 x 5 but u has 4 entries",
                () -> b.sparseMatvec(vals, 3, 5, new int[] {0, 1, 1, 3}, new int[] {0, 2, 3}, u));
        assertMessage("inputSparseMatrix(P): the pattern has 3 nonzeros but 2 values are given",
                () -> b.inputSparseMatrix("P", 3, 4, new int[] {0, 1, 1, 3}, new int[] {0, 2, 3}, new double[2]));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
