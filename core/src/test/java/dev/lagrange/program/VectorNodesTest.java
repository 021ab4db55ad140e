package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.lagrangian.Lagrangian;
import dev.lagrange.primitive.Primitive;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Programs that mix scalar and vector nodes: a small MLP built from vector nodes against the same
 * MLP built from scalar nodes (an independent tape of the same function), the tangent sweep against
 * the reverse sweep, forward mode and the Lagrangian's residuals.
 */
class VectorNodesTest {
    private static final int N0 = 4;
    private static final int N1 = 5;
    private static final int N2 = 3;

    /** Inputs in the order x, W1 (row-major), b1, W2, b2, y: the same for both tapes. */
    private static double[] inputs(long seed) {
        Random random = new Random(seed);
        double[] x = new double[N0 + N1 * N0 + N1 + N2 * N1 + N2 + N2];
        for (int k = 0; k < x.length; k++) {
            x[k] = random.nextGaussian();
        }
        return x;
    }

    /** {@code f = 1/2 |W2 h + b2 - y|^2 + 0.1 sin(h . h)} with {@code h = tanh(W1 x + b1)}. */
    static Program vectorMlp() {
        var b = Program.builder();
        Var x = b.inputVector("x", new double[N0]);
        Var w1 = b.inputMatrix("W1", N1, N0, new double[N1 * N0]);
        Var b1 = b.inputVector("b1", new double[N1]);
        Var w2 = b.inputMatrix("W2", N2, N1, new double[N2 * N1]);
        Var b2 = b.inputVector("b2", new double[N2]);
        Var y = b.inputVector("y", new double[N2]);
        Var h = b.let("h", b.map(Primitive.TANH, b.vectorAdd(b.matvec(w1, x), b1)));
        Var out = b.let("out", b.vectorAdd(b.matvec(w2, h), b2));
        Var loss = b.squaredLoss(out, y);
        // A scalar tail on a vector result: the program mixes both kinds of node.
        Var f = b.let("f", b.add(loss, b.mul(b.constant(0.1), b.sin(b.dot(h, h)))));
        return b.output(f).build();
    }

    static Program scalarMlp() {
        var b = Program.builder();
        Var[] x = inputs(b, "x", N0);
        Var[] w1 = inputs(b, "W1_", N1 * N0);
        Var[] b1 = inputs(b, "b1_", N1);
        Var[] w2 = inputs(b, "W2_", N2 * N1);
        Var[] b2 = inputs(b, "b2_", N2);
        Var[] y = inputs(b, "y", N2);
        Var[] h = new Var[N1];
        for (int r = 0; r < N1; r++) {
            h[r] = b.tanh(b.add(row(b, w1, r, x), b1[r]));
        }
        Var[] sq = new Var[N2];
        for (int r = 0; r < N2; r++) {
            Var out = b.add(row(b, w2, r, h), b2[r]);
            sq[r] = b.pow(b.sub(out, y[r]), 2);
        }
        Var loss = b.mul(0.5, b.sum(sq));
        Var[] hh = new Var[N1];
        for (int r = 0; r < N1; r++) {
            hh[r] = b.mul(h[r], h[r]);
        }
        Var f = b.add(loss, b.mul(b.constant(0.1), b.sin(b.sum(hh))));
        return b.output(f).build();
    }

    private static Var[] inputs(Program.Builder b, String prefix, int count) {
        Var[] v = new Var[count];
        for (int k = 0; k < count; k++) {
            v[k] = b.input(prefix + k, 0);
        }
        return v;
    }

    private static Var row(Program.Builder b, Var[] w, int r, Var[] x) {
        Var[] products = new Var[x.length];
        for (int j = 0; j < x.length; j++) {
            products[j] = b.mul(w[r * x.length + j], x[j]);
        }
        return b.sum(products);
    }

    /** The objective and, after it, the gradient by forward and reverse sweeps. */
    private static double[] valueAndGradient(Program p, double[] x, double[] z, double[] lambda) {
        Sweeps.forward(p, x, z);
        lambda[p.slot(p.objective())] = 1;
        Sweeps.reverse(p, z, lambda, lambda, 0, p.size());
        double[] out = new double[x.length + 1];
        out[0] = z[p.slot(p.objective())];
        for (int k = 0; k < x.length; k++) {
            out[k + 1] = lambda[p.inputSlot(k)];
        }
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void vectorAndScalarTapesAgree(long seed) {
        Program v = vectorMlp();
        Program s = scalarMlp();
        double[] x = inputs(seed);
        assertEquals(s.inputCount(), v.inputCount());
        double[] fv = valueAndGradient(v, x, new double[v.slotCount()], new double[v.slotCount()]);
        double[] fs = valueAndGradient(s, x, new double[s.slotCount()], new double[s.slotCount()]);
        for (int k = 0; k < fv.length; k++) {
            double scale = Math.max(1e-300, Math.max(Math.abs(fv[k]), Math.abs(fs[k])));
            assertTrue(Math.abs(fv[k] - fs[k]) <= 1e-12 * Math.max(scale, 1e-3 * Math.abs(fs[0])),
                    "seed " + seed + (k == 0 ? " value" : " d f / d x_" + (k - 1)) + ": vector " + fv[k] + ", scalar " + fs[k]);
        }
        // 50 input slots; W1 x, + b1, tanh: 5 each; W2 h, + b2: 3 each; six scalars.
        assertEquals(50 + 3 * N1 + 2 * N2 + 6, v.slotCount(), "slots");
    }

    @Test
    void aVectorBesideScalarsNamedLikeItsEntriesIsRefused() {
        var b = Program.builder();
        Var w = b.inputVector("w", new double[] {1, 2});
        Var w2 = b.input("w[2]", 3);
        Var w1 = b.input("w[1]", 3);
        b.output(b.add(b.dot(w, w), b.mul(w1, w2)));
        ProgramException e = assertThrows(ProgramException.class, b::build);
        assertEquals("'w' is a vector, whose entries are labelled w[k]; the variable 'w[1]' would be confused with "
                + "them: rename one", e.getMessage());

        var ok = Program.builder(); // other names with brackets are fine
        Var v = ok.inputVector("v", new double[] {1, 2});
        Var u = ok.input("u[1]", 3);
        assertEquals(8.0, valueOf(ok.output(ok.add(ok.dot(v, v), u)).build()), 0.0);
    }

    private static double valueOf(Program p) {
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, p.inputDefaults(), z);
        return z[p.slot(p.objective())];
    }

    @Test
    void tangentSweepAgreesWithReverseSweep() {
        Program p = vectorMlp();
        Random random = new Random(7);
        double[] x = inputs(7);
        double[] z = new double[p.slotCount()];
        double[] lambda = new double[p.slotCount()];
        double[] g = valueAndGradient(p, x, z, lambda);
        double[] dx = new double[x.length];
        double expected = 0;
        for (int k = 0; k < dx.length; k++) {
            dx[k] = random.nextGaussian();
            expected += dx[k] * g[k + 1];
        }
        double[] dz = new double[p.slotCount()];
        Sweeps.tangent(p, z, dx, dz);
        assertEquals(expected, dz[p.slot(p.objective())], 1e-12 * Math.abs(expected), "seed 7: <dx, grad> vs J dx");
    }

    @Test
    void forwardModeAndFiniteDifferencesAgree() {
        Program p = vectorMlp();
        double[] x = inputs(5);
        double[] g = valueAndGradient(p, x, new double[p.slotCount()], new double[p.slotCount()]);
        double[] grad = java.util.Arrays.copyOfRange(g, 1, g.length);
        GradientCheck check = GradientCheck.of(p);
        double[] fm = check.forwardMode(x);
        for (int k = 0; k < fm.length; k++) {
            assertEquals(fm[k], grad[k], 1e-12 * Math.max(1, Math.abs(fm[k])), "seed 5: forward mode, input " + k);
        }
        assertTrue(check.check(x, grad).passed(1e-6), "seed 5: " + check.check(x, grad).worst());
    }

    @Test
    void lagrangianResidualsAreAtRoundingLevelAfterTheSweeps() {
        Program p = vectorMlp();
        double[] x = inputs(9);
        double[] z = new double[p.slotCount()];
        double[] lambda = new double[p.slotCount()];
        valueAndGradient(p, x, z, lambda);
        Lagrangian.Residuals r = Lagrangian.of(p).residuals(x, z, lambda);
        assertTrue(r.max() <= 1e-14, "seed 9: " + r);
        Lagrangian.Gradient gl = Lagrangian.of(p).gradient(x, z, lambda);
        for (int k = 0; k < x.length; k++) {
            assertEquals(lambda[p.inputSlot(k)], gl.x()[k], 0.0, "dL/dx_" + k);
        }
        // Away from feasibility, a residual appears at the vector node's own slot.
        double[] moved = z.clone();
        int h = p.nodeNamed("h");
        moved[p.slot(h) + 2] += 0.5;
        double[] dlambda = Lagrangian.of(p).gradient(x, moved, lambda).lambda();
        assertEquals(-0.5, dlambda[p.slot(h) + 2], 1e-15);
        assertEquals(0.0, dlambda[p.slot(h) + 1], 1e-15);
    }

    @Test
    void jacobianRowsAreTheVjpOfUnitSeeds() {
        // Row r of the local Jacobian of out = W2 h + b2 ... through matvec: d(W2 h)_r / dW2[r, j] = h_j,
        // d(W2 h)_r / dh_j = W2[r, j], and zero on W2's other rows.
        Program p = vectorMlp();
        double[] x = inputs(3);
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, x, z);
        int out = p.nodeNamed("out");
        int matvec = p.arguments(out)[0];
        int w2 = p.arguments(matvec)[0];
        int h = p.arguments(matvec)[1];
        int length = VectorKernels.rowLength(p, matvec);
        assertEquals(N2 * N1 + N1, length);
        int[] slots = new int[length];
        double[] dfdz = new double[length];
        for (int r = 0; r < N2; r++) {
            assertEquals(length, VectorKernels.jacobianRow(p, matvec, r, x, z, slots, dfdz));
            for (int m = 0; m < N2 * N1; m++) {
                assertEquals(p.slot(w2) + m, slots[m]);
                double expected = m / N1 == r ? z[p.slot(h) + m % N1] : 0;
                assertEquals(expected, dfdz[m], 0.0, "row " + r + ", W2 entry " + m);
            }
            for (int j = 0; j < N1; j++) {
                assertEquals(p.slot(h) + j, slots[N2 * N1 + j]);
                assertEquals(z[p.slot(w2) + r * N1 + j], dfdz[N2 * N1 + j], 0.0, "row " + r + ", h entry " + j);
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> Sweeps.localPartials(p, matvec, z, new int[2], new double[2]));
        assertEquals("W2[2,3]", p.inputLabel(N0 + N1 * N0 + N1 + N1 + 2));
        assertEquals("x[4]", p.inputLabel(3));
    }

    @Test
    void shapesAndScalarUsesAreChecked() {
        var b = Program.builder();
        Var w = b.inputMatrix("W", 2, 3, new double[6]);
        Var x = b.inputVector("x", new double[2]);
        assertThrows(IllegalArgumentException.class, () -> b.matvec(w, x));
        assertThrows(IllegalArgumentException.class, () -> b.vectorAdd(x, w));
        assertEquals(6, b.width(w));
        Var bad = b.let("bad", b.sin(x));
        ProgramException e = assertThrows(ProgramException.class, () -> b.output(bad).build());
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("'bad'"), e.getMessage());
        var c = Program.builder();
        Var v = c.inputVector("v", new double[3]);
        ProgramException objective = assertThrows(ProgramException.class, () -> c.output(c.map(Primitive.EXP, v)).build());
        assertTrue(objective.getMessage().contains("vector"), objective.getMessage());
    }

    @Test
    void vectorNodesOutsideACyclicBlockKeepTheirSlots() {
        // u = 0.5 cos(u) + s with s = x . x: the scalar cycle makes the builder reorder nodes, and
        // the vector input must keep a contiguous slot range through it.
        var b = Program.builder();
        Var u = b.declare("u");
        Var x = b.inputVector("x", new double[] {0.3, -0.4, 0.5});
        Var s = b.let("s", b.dot(x, x));
        b.define("u", Primitive.ADD, new double[0], b.mul(0.5, b.cos(u)), s);
        Var f = b.let("f", b.add(b.vectorSum(b.map(Primitive.TANH, x)), u));
        Program p = b.output(f).build();
        assertEquals(1, p.blocks().cyclicCount());
        int xn = p.nodeNamed("x");
        assertEquals(3, p.width(xn));
        double[] z = new double[p.slotCount()];
        double[] in = {0.3, -0.4, 0.5};
        for (int sweep = 0; sweep < 200; sweep++) {
            Sweeps.forward(p, in, z);
        }
        assertEquals(0.5, z[p.slot(p.nodeNamed("s"))], 1e-15);
        double uv = z[p.slot(p.nodeNamed("u"))];
        assertEquals(0.5 * Math.cos(uv) + 0.5, uv, 1e-14, "the Gauss-Seidel fixed point");
        assertEquals(Math.tanh(0.3) + Math.tanh(-0.4) + Math.tanh(0.5) + uv, z[p.slot(p.objective())], 1e-14);
        for (int k = 0; k < 3; k++) {
            assertEquals(in[k], z[p.inputSlot(k)]);
        }
    }
}
