package dev.lagrange.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.ShapeException;
import dev.lagrange.program.Var;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The vector and matrix forms of {@code .lag}: the programs they make, their numbers, printing, errors. */
class VectorLagTest {
    private static final double[] W = {0.3, -0.2, 0.5, 0.1, -0.4, 0.25, 0.05, -0.3, 0.2, 0.15, -0.1, 0.35};
    private static final double[] X = {1.0, -0.5, 0.25, 2.0};
    private static final double[] B = {0.1, -0.2, 0.05};
    private static final double[] Y = {0.2, -0.1, 0.4};

    private static final String TANH_LAYER = """
            input W[1..3, 1..4] = [0.3, -0.2, 0.5, 0.1, -0.4, 0.25, 0.05, -0.3, 0.2, 0.15, -0.1, 0.35]
            input x[1..4, 1] = [1.0, -0.5, 0.25, 2.0]
            input b[1..3, 1] = [0.1, -0.2, 0.05]
            input y[1..3, 1] = [0.2, -0.1, 0.4]
            h = tanh(W @ x + b)
            f = squared_loss(h, y) + 0.1 * dot(h, h)
            output f, h
            """;

    /** The same layer from the Java builder's vector methods, in the order the parser makes its nodes. */
    private static Program tanhLayerFromBuilder() {
        var b = Program.builder();
        Var w = b.inputMatrix("W", 3, 4, W);
        Var x = b.inputVector("x", X);
        Var bias = b.inputVector("b", B);
        Var y = b.inputVector("y", Y);
        Var h = b.let("h", b.map(Primitive.TANH, b.vectorAdd(b.matvec(w, x), bias)));
        Var f = b.let("f", b.add(b.squaredLoss(h, y), b.mul(0.1, b.dot(h, h))));
        return b.output(f, h).build();
    }

    @Test
    void aTanhLayerIsTheBuildersProgram() {
        Program p = Lag.parse(TANH_LAYER);
        assertEquals(tanhLayerFromBuilder(), p);
        assertEquals(12 + 4 + 3 + 3, p.inputCount());
        assertEquals(3, p.width(p.nodeNamed("h")));
        assertEquals("W[2,3]", p.inputLabel(6));
        assertEquals("x[4]", p.inputLabel(15));
    }

    /** The forms the adjoint writes: {@code y @ W}, {@code outer}, {@code step}, vector plus constant, {@code wsum}. */
    @Test
    void theAdjointsVectorFormsAreTheBuildersNodes() {
        Program p = Lag.parse("""
                input W[1..3, 1..4] = 0.5
                input y[1..3, 1] = [1, 2, 3]
                input x[1..4, 1] = -1
                g = y @ W
                G = outer(y, g)
                t = 1 - x * x
                v = x + 2
                u = 2 - step(x - 0.5)
                q = wsum(0.25, -3, u)
                f = sum(G) + dot(t, v) + sum(q)
                output f
                """);
        var b = Program.builder();
        Var w = b.inputMatrix("W", 3, 4, new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5});
        Var y = b.inputVector("y", new double[] {1, 2, 3});
        Var x = b.inputVector("x", new double[] {-1, -1, -1, -1});
        Var g = b.let("g", b.matvecTransposed(w, y));
        Var outer = b.let("G", b.outer(y, g));
        Var t = b.let("t", b.vectorAffine(1, -1, b.hadamard(x, x)));
        Var v = b.let("v", b.vectorAffine(2, 1, x));
        Var u = b.let("u", b.vectorAffine(2, -1, b.step(b.vectorAffine(-0.5, 1, x))));
        Var q = b.let("q", b.vectorAffine(0.25, -3, u));
        Var f = b.let("f", b.add(b.add(b.vectorSum(outer), b.dot(t, v)), b.vectorSum(q)));
        assertEquals(b.output(f).build(), p);
        assertEquals(12, p.width(p.nodeNamed("G")));
        double[] z = Lag.values(p);
        // W^T y = 0.5 (1 + 2 + 3) = 3 in every entry; G = y g^T
        assertEquals(3.0, z[p.slot(p.nodeNamed("g")) + 3]);
        assertEquals(3 * 3.0, z[p.slot(p.nodeNamed("G")) + 11]);
        assertEquals(0.0, z[p.slot(p.nodeNamed("t"))]);
        assertEquals(2.0, z[p.slot(p.nodeNamed("u"))]);
        assertEquals(0.25 - 6, z[p.slot(p.nodeNamed("q"))]);
        assertEquals(LagPrinter.print(p), LagPrinter.print(Lag.parse(LagPrinter.print(p))));
    }

    @Test
    void aTanhLayerHasTheClosedFormValueAndGradient() {
        Program p = Lag.parse(TANH_LAYER);
        double[] h = new double[3];
        double f = 0;
        for (int r = 0; r < 3; r++) {
            double s = B[r];
            for (int j = 0; j < 4; j++) {
                s += W[4 * r + j] * X[j];
            }
            h[r] = Math.tanh(s);
            f += 0.5 * (h[r] - Y[r]) * (h[r] - Y[r]) + 0.1 * h[r] * h[r];
        }
        double[] z = Lag.values(p);
        assertEquals(f, z[p.slot(p.nodeNamed("f"))], 1e-15);
        for (int r = 0; r < 3; r++) {
            assertEquals(h[r], z[p.slot(p.nodeNamed("h")) + r], 1e-15, "h[" + (r + 1) + "]");
        }
        double[] g = Lag.gradient(p);
        double[] x0 = p.inputDefaults();
        for (int k = 0; k < x0.length; k++) {
            double step = 1e-6 * Math.max(1, Math.abs(x0[k]));
            double[] plus = x0.clone();
            double[] minus = x0.clone();
            plus[k] += step;
            minus[k] -= step;
            double fd = (objective(p, plus) - objective(p, minus)) / (2 * step);
            assertEquals(fd, g[k], 1e-7 + 1e-6 * Math.abs(fd), p.inputLabel(k));
        }
    }

    /**
     * A function of one argument maps over a vector, one of two arguments (and {@code /}) zips two
     * vectors, {@code ^} with a constant exponent maps: each is one vector node, its entries the scalar
     * function's values, its gradient the closed form.
     */
    @Test
    void scalarFunctionsApplyEntryByEntry() {
        Program p = Lag.parse("""
                input x[1..3, 1] = [0.5, 1.5, 2.5]
                input y[1..3, 1] = [2, -1, 0.25]
                a = log(x)
                q = x / y
                c = x ^ 3
                m = max(x, y)
                f = sum(a) + dot(q, y) + sum(c) + sum(m) + sum(atan(y))
                output f
                """);
        for (String name : List.of("a", "q", "c", "m")) {
            assertEquals(3, p.width(p.nodeNamed(name)), name + " is one vector node");
        }
        assertEquals(Primitive.DIV, p.scalarFunction(p.nodeNamed("q")));
        assertEquals(Primitive.POWC, p.scalarFunction(p.nodeNamed("c")));
        double[] x = {0.5, 1.5, 2.5};
        double[] y = {2, -1, 0.25};
        double f = 0;
        double[] gx = new double[3];
        double[] gy = new double[3];
        for (int k = 0; k < 3; k++) {
            f += Math.log(x[k]) + x[k] / y[k] * y[k] + x[k] * x[k] * x[k] + Math.max(x[k], y[k]) + Math.atan(y[k]);
            boolean xWins = x[k] > y[k];
            gx[k] = 1 / x[k] + 1 + 3 * x[k] * x[k] + (xWins ? 1 : 0);
            gy[k] = (xWins ? 0 : 1) + 1 / (1 + y[k] * y[k]); // d(x/y * y)/dy = 0
        }
        assertEquals(f, Lag.values(p)[p.slot(p.objective())], 1e-14);
        double[] g = Lag.gradient(p);
        for (int k = 0; k < 3; k++) {
            assertEquals(gx[k], g[k], 1e-14, "df/dx[" + (k + 1) + "]");
            assertEquals(gy[k], g[3 + k], 1e-14, "df/dy[" + (k + 1) + "]");
        }
        assertRoundTrip(p);
    }

    private static double objective(Program p, double[] x) {
        double[] z = new double[p.slotCount()];
        dev.lagrange.program.Sweeps.forward(p, x, z);
        return z[p.slot(p.objective())];
    }

    @Test
    void everyOperatorMakesItsVectorNode() {
        Program p = Lag.parse("""
                input A[0..1, 0..2] = 0.5
                input u[1..3, 1] = [1, 2, 3]
                input v[1..3, 1] = [-1, 0.5, 2]
                input s = 2
                m = A @ u
                a = u + v
                d = u - v
                e = u * v
                c = 3 * u
                c2 = u * 3
                q = u / 4
                n = -u
                t = s * u
                t2 = u * s
                r = relu(v)
                g = sigmoid(v)
                x = exp(v)
                k = softmax(v)
                l = logsumexp(v)
                o = sum(u)
                w = cross_entropy(u, v)
                cp = u
                f = o + l + w + dot(a, d) + sum(cp)
                output f
                """);
        Object[][] expected = {
            {"m", VectorPrimitive.MATVEC, 2}, {"a", VectorPrimitive.ADD, 3}, {"d", VectorPrimitive.SUB, 3},
            {"e", VectorPrimitive.HADAMARD, 3}, {"c", VectorPrimitive.SCALE, 3}, {"c2", VectorPrimitive.SCALE, 3},
            {"q", VectorPrimitive.SCALE, 3}, {"n", VectorPrimitive.SCALE, 3}, {"t", VectorPrimitive.SCALE_BY, 3},
            {"t2", VectorPrimitive.SCALE_BY, 3}, {"r", VectorPrimitive.MAP, 3}, {"g", VectorPrimitive.MAP, 3},
            {"x", VectorPrimitive.MAP, 3}, {"k", VectorPrimitive.SOFTMAX, 3}, {"l", VectorPrimitive.LOGSUMEXP, 1},
            {"o", VectorPrimitive.SUM, 1}, {"w", VectorPrimitive.CROSS_ENTROPY, 1}, {"cp", VectorPrimitive.COPY, 3},
        };
        for (Object[] e : expected) {
            int i = p.nodeNamed((String) e[0]);
            assertEquals(e[1], p.vectorPrimitive(i), (String) e[0]);
            assertEquals(e[2], p.width(i), (String) e[0]);
        }
        assertEquals(dev.lagrange.primitive.Primitive.RELU, p.scalarFunction(p.nodeNamed("r")));
        assertEquals(dev.lagrange.primitive.Primitive.SIGMOID, p.scalarFunction(p.nodeNamed("g")));
        assertEquals(dev.lagrange.primitive.Primitive.EXP, p.scalarFunction(p.nodeNamed("x")));
        assertEquals("relu", p.symbol(p.nodeNamed("r")));
        assertEquals(0.25, p.parameters(p.nodeNamed("q"))[1]);
        assertEquals(-1.0, p.parameters(p.nodeNamed("n"))[1]);
        assertEquals("A[1,2]", p.inputLabel(5));
        double[] z = Lag.values(p);
        assertEquals(3, z[p.slot(p.nodeNamed("m"))], 1e-15);
        assertEquals(6, z[p.slot(p.nodeNamed("t")) + 2], 1e-15);
        assertEquals(6, z[p.slot(p.nodeNamed("t2")) + 2], 1e-15);
        assertEquals(-2, z[p.slot(p.nodeNamed("n")) + 1], 1e-15);
        assertEquals(6, z[p.slot(p.nodeNamed("o"))], 1e-15);
        double lse = Math.log(Math.exp(-1) + Math.exp(0.5) + Math.exp(2));
        assertEquals(lse, z[p.slot(p.nodeNamed("l"))], 1e-15);
        // cross_entropy(u, v) = (sum v) logsumexp(u) - v . u
        double lseU = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertEquals(1.5 * lseU - (-1 + 1 + 6), z[p.slot(p.nodeNamed("w"))], 1e-14);
    }

    @Test
    void scalarInputFamiliesAndListDefaultsKeepTheirMeaning() {
        Program p = Lag.parse("input w[1..3] = [1, 2.5, -3]\nf = w[1] * w[2] + w[3]\noutput f");
        assertEquals(3, p.inputCount());
        assertFalse(p.isVector(p.nodeNamed("w[2]")));
        assertEquals(2.5, p.inputDefault(1));
        assertEquals(Lag.parse("input w[1] = 1, w[2] = 2.5, w[3] = -3\nf = w[1] * w[2] + w[3]\noutput f"), p);
    }

    @Test
    void theBuildersIndexBasesLabelEntries() {
        var b = Program.builder();
        Var x = b.inputVector("x", new double[] {1, 2}, 0);
        Program p = b.output(b.let("s", b.vectorSum(x))).build();
        assertEquals("x[0]", p.inputLabel(0));
        assertEquals("x[1]", p.inputLabel(1));
    }

    @Test
    void aScaledOrNegatedMatrixTimesAVectorIsAScaledProduct() {
        var b = Program.builder();
        Var w = b.inputMatrix("W", 2, 2, new double[] {1, 2, 3, 4});
        Var x = b.inputVector("x", new double[] {1, -1});
        Var s = b.input("s", 3);
        Var a = b.let("a", b.scale(0.5, b.matvec(w, x)));
        Var n = b.let("n", b.scale(-1, b.matvec(w, x)));
        Var t = b.let("t", b.scale(s, b.matvec(w, x)));
        Program expected = b.output(b.let("f", b.add(b.add(b.vectorSum(a), b.vectorSum(n)), b.vectorSum(t)))).build();
        Program p = Lag.parse("""
                input W[1..2, 1..2] = [1, 2, 3, 4]
                input x[1..2, 1] = [1, -1]
                input s = 3
                a = 0.5 * W @ x
                n = -W @ x
                t = s * W @ x
                f = sum(a) + sum(n) + sum(t)
                output f
                """);
        assertEquals(expected, p);
        assertEquals(Lag.parse(LagPrinter.print(p)), p);
        double[] z = Lag.values(p);
        assertEquals(0.5 * (3 - 4), z[p.slot(p.nodeNamed("a")) + 1], 1e-15);
        assertEquals(1, z[p.slot(p.nodeNamed("n"))], 1e-15);
    }

    /** {@code v = r + 0.9 * P @ v}: v is used in its own definition, so it is declared as a vector at that use. */
    @Test
    void aCycleThroughAVectorIsTheBuildersDeclaredVector() {
        var b = Program.builder();
        Var pm = b.inputMatrix("P", 3, 3, new double[] {0.5, 0.5, 0, 0, 0.5, 0.5, 0.5, 0, 0.5}, 0, 0);
        Var r = b.inputVector("r", new double[] {1, 0, 2}, 0);
        Var v = b.declareVector("v", 3);
        b.defineVector(v, b.vectorAdd(r, b.scale(0.9, b.matvec(pm, v))));
        Program expected = b.output(b.let("J", b.vectorSum(v))).build();
        Program p = Lag.parse("""
                input P[0..2, 0..2] = [0.5, 0.5, 0, 0, 0.5, 0.5, 0.5, 0, 0.5]
                input r[0..2, 0] = [1, 0, 2]
                v = r + 0.9 * P @ v
                J = sum(v)
                output J
                """);
        assertEquals(expected, p);
        assertFalse(p.isAcyclic());
        assertEquals("P[2,1]", p.inputLabel(7));
        assertEquals("r[0]", p.inputLabel(9));
        assertRoundTrip(p);
        assertRoundTrip(expected);
    }

    /** {@code input x[1..4]} stays four scalar inputs; a bare {@code x} in a vector expression is their stack. */
    @Test
    void aFamilyOfScalarInputsIsAVectorByItsBareName() {
        var b = Program.builder();
        Var w = b.inputMatrix("W", 3, 4, W);
        Var[] x = new Var[4];
        for (int k = 0; k < 4; k++) {
            x[k] = b.input("x[" + (k + 1) + "]", X[k]);
        }
        Var bias = b.inputVector("b", B);
        Var h = b.let("h", b.map(Primitive.TANH, b.vectorAdd(b.matvec(w, b.stack(x)), bias)));
        Var f = b.let("f", b.add(b.element(h, 1), b.vectorSum(b.stack(x[1], x[2]))));
        Program expected = b.output(f).build();
        Program p = Lag.parse("""
                input W[1..3, 1..4] = [0.3, -0.2, 0.5, 0.1, -0.4, 0.25, 0.05, -0.3, 0.2, 0.15, -0.1, 0.35]
                input x[1..4] = [1.0, -0.5, 0.25, 2.0]
                input b[1..3, 1] = [0.1, -0.2, 0.05]
                h = tanh(W @ x + b)
                f = h[2] + sum(x[2..3])
                output f
                """);
        assertEquals(expected, p);
        assertFalse(p.isVector(p.nodeNamed("x[1]")));
        double s = B[1];
        for (int j = 0; j < 4; j++) {
            s += W[4 + j] * X[j];
        }
        assertEquals(Math.tanh(s) + X[1] + X[2], Lag.value(p, "f"), 1e-15);
        assertRoundTrip(p);
        assertTrue(LagPrinter.print(p).contains("(W @ x[1..4])"), LagPrinter.print(p));
    }

    @Test
    void entriesCountFromTheDeclaredIndexBases() {
        Program p = Lag.parse("""
                input P[0..1, 0..2] = [1, 2, 3, 4, 5, 6]
                input q[-1..1, 7] = [10, 20, 30]
                input s = 0.5
                v = [s, 2 * s, P[1, 0]]
                e = P[0, 2] * q[-1] + v[3] + (P @ v)[2] + [s, s][1] + dot(q[0..1], v[2..3])
                output e
                """);
        double[] v = {0.5, 1, 4};
        double pv2 = 4 * v[0] + 5 * v[1] + 6 * v[2];
        assertEquals(3 * 10 + 4 + pv2 + 0.5 + (20 * 1 + 30 * 4), Lag.value(p, "e"), 1e-13);
        assertEquals(VectorPrimitive.STACK, p.vectorPrimitive(p.nodeNamed("v")));
        assertEquals("q[0]", p.inputLabel(7));
        assertRoundTrip(p);
        String printed = LagPrinter.print(p);
        assertTrue(printed.contains("P[0, 2]") && printed.contains("q[-1]") && printed.contains("P[1, 0]"), printed);
    }

    /** {@code v[1]} before {@code v}'s definition, inside the cycle: v is declared as a vector at that use. */
    @Test
    void anEntryMayBeReadBeforeItsVectorsDefinition() {
        var b = Program.builder();
        Var a = b.inputMatrix("A", 2, 2, new double[] {0.2, 0.1, 0.0, 0.3});
        Var r = b.inputVector("r", new double[] {1, 2});
        Var v = b.declareVector("v", 2);
        Var g = b.let("g", b.mul(2, b.element(v, 0)));
        b.defineVector(v, b.vectorAdd(r, b.matvec(a, v)));
        Program expected = b.output(g).build();
        Program p = Lag.parse("""
                input A[1..2, 1..2] = [0.2, 0.1, 0.0, 0.3]
                input r[1..2, 1] = [1, 2]
                g = 2 * v[1]
                v = r + A @ v
                output g
                """);
        assertEquals(expected, p);
        assertRoundTrip(p);
    }

    // ---------------------------------------------------------------- printing

    private static void assertRoundTrip(Program p) {
        String printed = LagPrinter.print(p);
        Program q;
        try {
            q = LagParser.parse(printed, "printed.lag");
        } catch (LagException e) {
            throw new AssertionError("the printed program does not parse: " + e.diagnostics() + "\n" + printed, e);
        }
        assertEquals(p, q, printed);
        assertEquals(printed, LagPrinter.print(q), "printing is deterministic");
    }

    @Test
    void everyVectorPrimitivePrintsAndReadsBack() {
        var b = Program.builder();
        Var w = b.inputMatrix("W", 2, 3, new double[] {1, Double.NaN, -0.0, 1e-300, Double.POSITIVE_INFINITY, 2},
                0, 5);
        Var x = b.inputVector("x", new double[] {0.5, 0.5, 0.5});
        Var u = b.inputVector("u", new double[] {Double.NaN, Double.NaN}, 7);
        Var s = b.input("s", 1.5);
        Var m = b.matvec(w, x);
        Var a = b.vectorAdd(m, u);
        Var d = b.vectorSub(a, u);
        Var e = b.hadamard(d, b.map(Primitive.TANH, a));
        Var c = b.scale(-0.0, e);
        Var t = b.let("t", b.scale(s, b.map(Primitive.RELU, c)));
        Var g = b.map(Primitive.SIGMOID, b.map(Primitive.EXP, t));
        Var k = b.let("k", b.softmax(g));
        Var cp = b.declareVector("cp", 2);
        b.defineVector(cp, k);
        // v / w, v ^ -1.5 and max(v, w) inside a product: the operators' parentheses
        Var z = b.hadamard(b.zip(Primitive.DIV, k, g), b.map(Primitive.POWC, -1.5, b.zip(Primitive.MAX, g, k)));
        Var f = b.add(b.add(b.dot(k, cp), b.vectorSum(t)), b.add(b.logsumexp(g),
                b.add(b.squaredLoss(k, u), b.crossEntropy(g, k))));
        assertRoundTrip(b.output(b.let("f", b.add(f, b.vectorSum(z))), k, t).build());
    }

    @Test
    void theTanhLayerPrintsAndReadsBack() {
        assertRoundTrip(tanhLayerFromBuilder());
        String printed = LagPrinter.print(tanhLayerFromBuilder());
        assertTrue(printed.contains("input W[1..3, 1..4] = [0.3, -0.2,"), printed);
        assertTrue(printed.contains("h = tanh((W @ x) + b)"), printed);
    }

    private static final List<Primitive> ELEMENTWISE = java.util.Arrays.stream(Primitive.values())
            .filter(Primitive::isElementwise).toList();
    private static final List<Primitive> BINARY = List.of(Primitive.DIV, Primitive.POW, Primitive.MAX, Primitive.MIN);

    /** Seeded random layered programs over every vector operation, shared nodes and scalar mixing included. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void randomVectorProgramsPrintAndReadBack(long seed) {
        Random rnd = new Random(seed);
        var b = Program.builder();
        int w = 2 + rnd.nextInt(3);
        int cols = 1 + rnd.nextInt(3);
        double[] dw = new double[w * cols];
        for (int k = 0; k < dw.length; k++) {
            dw[k] = rnd.nextBoolean() ? 0.25 : rnd.nextGaussian();
        }
        Var mat = b.inputMatrix("M", w, cols, dw, rnd.nextInt(3) - 1, rnd.nextInt(3) - 1);
        Var in = b.inputVector("v", new double[cols]);
        Var s = b.input("s", rnd.nextGaussian());
        List<Var> vectors = new java.util.ArrayList<>(List.of(b.matvec(mat, in)));
        List<Var> scalars = new java.util.ArrayList<>(List.of(s));
        for (int step = 0; step < 12; step++) {
            Var a = vectors.get(rnd.nextInt(vectors.size()));
            Var c = vectors.get(rnd.nextInt(vectors.size()));
            Var r = switch (rnd.nextInt(14)) {
                case 11 -> b.map(ELEMENTWISE.get(rnd.nextInt(ELEMENTWISE.size())), a); // any function of one argument
                case 12 -> b.zip(BINARY.get(rnd.nextInt(BINARY.size())), a, c); // a / c, max(a, c), ...
                case 13 -> b.map(Primitive.POWC, rnd.nextInt(5) - 2, a); // a ^ -2 .. a ^ 2
                case 9, 10 -> { // entries of a, reversed, or scalars
                    Var[] parts = new Var[w];
                    for (int k = 0; k < w; k++) {
                        parts[k] = rnd.nextBoolean() ? b.element(a, w - 1 - k) : scalars.get(rnd.nextInt(scalars.size()));
                    }
                    yield b.stack(parts);
                }
                case 0 -> b.vectorAdd(a, c);
                case 1 -> b.vectorSub(a, c);
                case 2 -> b.hadamard(a, c);
                case 3 -> b.scale(rnd.nextGaussian(), a);
                case 4 -> b.scale(scalars.get(rnd.nextInt(scalars.size())), a);
                case 5 -> b.map(Primitive.TANH, a);
                case 6 -> b.softmax(a);
                case 7 -> {
                    scalars.add(b.add(b.dot(a, c), scalars.get(rnd.nextInt(scalars.size()))));
                    yield b.map(Primitive.SIGMOID, a);
                }
                default -> {
                    scalars.add(b.mul(rnd.nextGaussian(), b.logsumexp(a)));
                    yield b.map(Primitive.EXP, a);
                }
            };
            vectors.add(rnd.nextInt(4) == 0 ? b.let("n" + step, r) : r);
        }
        Var f = b.sum(scalars.toArray(new Var[0]));
        Var last = vectors.get(vectors.size() - 1);
        Program p = b.output(b.let("f", b.add(f, b.vectorSum(last))), last).build();
        assertRoundTrip(p);
    }

    // ---------------------------------------------------------------- errors

    /** A width mismatch is checked once, by the builder: Java and .lag report the same message. */
    @Test
    void aShapeMismatchReadsTheSameFromJavaAndFromAFile() {
        var b = Program.builder();
        Var x = b.inputVector("x", new double[3]);
        Var u = b.inputVector("u", new double[4]);
        Var w = b.inputMatrix("W", 3, 4, new double[12]);
        String[][] cases = {
            {"x + u", "'x + u': 'x' has 3 entries but 'u' has 4 entries"},
            {"dot(x, u)", "'dot(x, u)': 'x' has 3 entries but 'u' has 4 entries"},
            {"max(x, u)", "'max(x, u)': 'x' has 3 entries but 'u' has 4 entries"},
            {"W @ x", "'W @ x': 'W' is 3x4 but 'x' has 3 entries"},
            {"u @ W", "'u @ W': 'W' is 3x4 but 'u' has 4 entries (y @ W needs as many as W has rows)"},
        };
        int[][] widths = {{3, 4}, {3, 4}, {3, 4}, {12, 3}, {4, 12}};
        java.util.List<org.junit.jupiter.api.function.Executable> java = List.of(() -> b.vectorAdd(x, u),
                () -> b.dot(x, u), () -> b.zip(Primitive.MAX, x, u), () -> b.matvec(w, x), () -> b.matvecTransposed(w, u));
        for (int k = 0; k < cases.length; k++) {
            ShapeException e = org.junit.jupiter.api.Assertions.assertThrows(ShapeException.class, java.get(k));
            assertEquals(cases[k][1], e.getMessage());
            assertEquals(k == 3 ? "W" : k == 4 ? "u" : "x", e.operand(0));
            assertEquals(widths[k][0], e.width(0));
            assertEquals(widths[k][1], e.width(1));
            List<String> errors = Lag.errors("input x[1..3, 1] = 1\ninput u[1..4, 1] = 1\ninput W[1..3, 1..4] = 0\n"
                    + "h = " + cases[k][0] + "\ns = sum(x)\noutput s\n");
            assertEquals("test.lag:4:5: error: " + cases[k][1], errors.get(0).lines().findFirst().orElseThrow());
        }
    }

    private static final String DECLS = "input W[1..3, 1..4] = 0.1\ninput x[1..3, 1] = 1\ninput u[1..4, 1] = 1\n"
            + "input s = 2\n";

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "h = W @ x\\noutput s                  | 5:5: error: 'W @ x': 'W' is 3x4 but 'x' has 3 entries",
        "h = W @ s\\noutput s                  | 5:5: error: 'W @ s': 'W' is 3x4 but 's' is a scalar",
        "h = s @ x\\noutput s                  | 5:5: error: 's @ x': '@' needs a matrix on its left but 's' is a scalar",
        "h = x + u\\noutput s                  | 5:5: error: 'x + u': 'x' has 3 entries but 'u' has 4 entries",
        "h = x * u\\noutput s                  | 5:5: error: 'x * u': 'x' has 3 entries but 'u' has 4 entries",
        "h = x + s\\noutput s                  | 5:5: error: 'x + s': '+' of a vector and a scalar: 'x' has 3 entries"
                + " but 's' is a scalar",
        "h = s - x\\noutput s                  | 5:5: error: 's - x': '-' of a vector and a scalar",
        "h = u @ W\\noutput s                  | 5:5: error: 'u @ W': 'W' is 3x4 but 'u' has 4 entries (y @ W needs as many as W has rows)",
        "h = s / x\\noutput s                  | 5:5: error: 's / x': a vector can only be divided by a constant",
        "h = x / s\\noutput s                  | 5:5: error: 'x / s': a vector can only be divided by a constant or,"
                + " entry by entry, by a vector of its width; 's' is a scalar",
        "h = x / u\\noutput s                  | 5:5: error: 'x / u': 'x' has 3 entries but 'u' has 4 entries",
        "h = x ^ s\\noutput s                  | 5:7: error: 'x ^ s': '^' of a vector takes a constant exponent, but 's' is a variable",
        "h = s ^ x\\noutput s                  | 5:7: error: 's ^ x': the exponent of '^' is a scalar but 'x' has 3 entries",
        "h = max(x, u)\\noutput s              | 5:5: error: 'max(x, u)': 'x' has 3 entries but 'u' has 4 entries",
        "h = pow(x, 2)\\noutput s             | 5:5: error: pow takes scalars but 'x' has 3 entries",
        "h = max(s, W)\\noutput s              | 5:5: error: max takes scalars but 'W' is a 3x4 matrix",
        "h = 2 * W @ x\\noutput s              | 5:5: error: 'W @ x': 'W' is 3x4 but 'x' has 3 entries",
        "h = dot(x, u)\\noutput s              | 5:5: error: 'dot(x, u)': 'x' has 3 entries but 'u' has 4 entries",
        "h = squared_loss(W @ u, x + x, s)\\noutput s | 5:5: error: squared_loss takes 2 arguments, got 3",
        "h = sum(i in 1..2: x)\\noutput s      | 5:20: error: a sum term must be a scalar but 'x' has 3 entries",
        "h = softmax\\noutput s                | 5:5: error: undefined name 'softmax' (softmax is a variable here; the"
                + " function is called as softmax(...))",
        "h = wsum(0, 1, x, 2, x)\\noutput s    | 5:5: error: wsum takes scalars but 'x' has 3 entries",
        "output x                              | 5:8: error: the objective 'x' is a vector of 3 entries: reduce it",
        "g = h + s\\nh = tanh(x)\\noutput g    | 5:5: error: 'h + s': '+' of a vector and a scalar: 'h' has 3 entries",
        "g = x + h\\nh = s + 1\\noutput s      | 6:1: error: 'h' is used as a vector of 3 entries (at 5:9) but defined as a scalar",
        "g = W @ h\\noutput s                  | 5:9: error: undefined name 'h'",
        "input V[1..2, 1..2] = [1, 2, 3]\\noutput s | 5:23: error: 'V' declares 4 entries but the list has 3 values",
        "input V[1..2, 3..2]\\noutput s         | 5:7: error: matrix input 'V' has no entries (1..2, 3..2)",
        "input V[1..2, 1..2][1]\\noutput s      | 5:20: error: a matrix input takes one pair of brackets",
        "input V[1..2][1..2, 1]\\noutput s      | 5:19: error: a matrix input takes one pair of brackets",
        "input W[1..2, 1..2]\\noutput s         | 5:7: error: 'W' is assigned more than once (first at 1:7)",
        "solve z { x = z }\\noutput s           | 5:11: error: an equation of a solve block must be scalar but 'x'",
        "g = W[4, 1]\\noutput s                | 5:6: error: 'W[4, 1]' is out of range: W has entries W[1..3, 1..4]",
        "g = W[2]\\noutput s                   | 5:8: error: 'W' is a 3x4 matrix: an entry has two indices",
        "g = x[1, 1]\\noutput s                | 5:8: error: 'x' has 3 entries: an entry has one index, x[k]",
        "g = x[0]\\noutput s                   | 5:6: error: 'x[0]' is out of range: x has entries x[1..3]",
        "g = sum(x[2..4])\\noutput s           | 5:10: error: 'x[2..4]' is out of range: x has entries x[1..3]",
        "x[2] = s\\noutput s                   | 5:1: error: 'x[2]' is an entry of the vector 'x', which cannot be",
        "g = [s, x]\\noutput s                 | 5:9: error: a vector's entries must be scalars but 'x' has 3 entries",
        "input z[1..3] = 1\\ng = W @ [s, z[1]]\\noutput s | 6:5: error: 'W @ [s, z[1]]': 'W' is 3x4 but '[s, z[1]]' has 2 entries",
        "input z[1..3] = 1\\ng = sum(z[3..1])\\noutput s | 6:9: error: the slice z[3..1] has no entries",
        "g = sum(z[1..2][1])\\noutput s       | 5:16: error: a range must be the last index of a slice",
        "g = M\\ninput M[1..2, 1..3]\\noutput s | 6:7: error: matrix input 'M' is used before its declaration (at 5:5)",
        "input z[1..3] = 1\\ng = sum(z)\\nz = s\\noutput g | 7:1: error: 'z' stands for the inputs z[1..3] (used so at 6:9)",
        "input q[1..2] = 1\\nq = tanh(x)\\noutput s | 6:1: error: 'q' is a vector, whose entries are named q[1], q[2],"
                + " ...; the variable 'q[1]' (at 5:7) would be confused with them: rename one",
        "q = tanh(x)\\ninput q[7] = 1\\noutput s | 5:1: error: 'q' is a vector, whose entries are named q[1], q[2],"
                + " ...; the variable 'q[7]' (at 6:7) would be confused with them: rename one",
    })
    void vectorErrors(String source, String expected) {
        List<String> errors = Lag.errors(DECLS + source.replace("\\n", "\n"));
        assertTrue(errors.get(0).startsWith("test.lag:" + expected.trim()), errors.toString());
    }

    /** One mistake, one message: uses of a failed definition or of a name defined later say nothing more. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "y = W @ W\\ng = sum(y)\\noutput g | 5:5: error: 'W @ W': 'W' is 3x4 but 'W' has 12 entries",
        "for i in 1..3 { h[i] = s * i }\\ng = sum(h)\\noutput g | 6:9: error: undefined name 'h'; the scalars h[1]...h[3]"
                + " form a vector as the slice h[1..3]",
        "v = tanh(W @ v + 1)\\ng = sum(v)\\noutput g | 5:1: error: 'v' is used as a vector of 4 entries (at 5:14) but"
                + " defined as a vector of 3 entries",
    })
    void oneMistakeOneMessage(String source, String expected) {
        List<String> errors = Lag.errors(DECLS + source.replace("\\n", "\n"));
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("test.lag:" + expected.trim(), errors.get(0));
    }

    /** A cycle whose first use scales the vector learns its width from the vector it is added to. */
    @Test
    void aScaledCycleLearnsItsWidth() {
        Program p = Lag.parse("v = 0.5 * v + [1, 2]\ng = -tanh(u) + [3, 4]\nu = 0.25 * g\nJ = sum(v) + sum(u)\noutput J\n");
        assertEquals(2, p.width(p.nodeNamed("v")));
        assertEquals(2, p.width(p.nodeNamed("u")));
        assertEquals(2, p.blocks().cyclicCount());
    }

    /**
     * The vector functions' names are functions only before '(': a program that uses them as variable
     * names (valid before vector nodes existed) keeps its meaning, and both uses may meet.
     */
    @Test
    void vectorFunctionNamesStayUsableAsVariables() {
        Program p = Lag.parse("input step = 0.5, dot = 2, outer = 3\nsoftmax = step * dot\nv = [step, dot]\n"
                + "J = dot(v, v) + softmax + outer + sum(step(v))\noutput J\n");
        assertEquals(0.5 * 0.5 + 2 * 2 + 1.0 + 3 + 2, Lag.value(p, "J"), 0.0);
        assertEquals(p, Lag.parse(dev.lagrange.lang.LagPrinter.print(p)), "the printer writes them bare and they read back");
        assertEquals("test.lag:1:1: error: 'exp' is a reserved word and cannot name a variable (write `exp` to use it)",
                Lag.errors("exp = 1\noutput exp\n").get(0));
    }
}
