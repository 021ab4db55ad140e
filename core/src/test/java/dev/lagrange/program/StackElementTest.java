package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * {@code stack} (a vector from scalar variables) and {@code element} (a scalar entry of a vector)
 * mixed with matvec, tanh, softmax and losses: the reverse sweep against forward mode and central
 * differences, the tangent sweep against the reverse sweep, the Lagrangian's residuals, the local
 * Jacobian rows; and the builder's placeholders of deferred width.
 */
class StackElementTest {
    /**
     * {@code h = tanh(W stack(x1, x3, x1, e) + b)} with e = element(y, 1) read from a vector input,
     * {@code f = cross_entropy(h, softmax(y)) + h_3^2 x2 + 1/2 |stack(h_1, x2) - (y_1, y_2)|^2}: x1 is
     * stacked twice, the stacked scalars are not contiguous, and element reads node outputs.
     */
    private static Program program() {
        var b = Program.builder();
        Var x1 = b.input("x1", 0);
        Var x2 = b.input("x2", 0);
        Var x3 = b.input("x3", 0);
        Var w = b.inputMatrix("W", 3, 4, new double[12]);
        Var bias = b.inputVector("b", new double[3]);
        Var y = b.inputVector("y", new double[3]);
        Var e = b.element(y, 1);
        Var u = b.let("u", b.stack(x1, x3, x1, e));
        Var h = b.let("h", b.map(Primitive.TANH, b.vectorAdd(b.matvec(w, u), bias)));
        Var h3 = b.let("h3", b.element(h, 2));
        Var loss = b.crossEntropy(h, b.softmax(y));
        Var pair = b.stack(b.element(h, 0), x2);
        Var target = b.stack(b.element(y, 0), b.element(y, 1));
        Var f = b.let("f", b.add(b.add(loss, b.mul(b.mul(h3, h3), x2)), b.squaredLoss(pair, target)));
        return b.output(f).build();
    }

    private static double[] inputs(long seed) {
        return SweepChecks.gaussian(3 + 12 + 3 + 3, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void reverseSweepAgreesWithForwardModeAndCentralDifferences(long seed) {
        Program p = program();
        double[] x = inputs(seed);
        double[] z = new double[p.slotCount()];
        double[] grad = SweepChecks.gradient(p, x, z, new double[p.slotCount()]);
        GradientCheck check = GradientCheck.of(p);
        double[] fm = check.forwardMode(x);
        for (int k = 0; k < x.length; k++) {
            assertEquals(fm[k], grad[k], 1e-12 * Math.max(1, Math.abs(fm[k])),
                    "seed " + seed + ": forward mode, " + p.inputLabel(k));
        }
        GradientCheck.Report report = check.check(x, grad);
        assertTrue(report.passed(1e-7), "seed " + seed + ": " + report.worst());
        // x1 is stacked twice: its gradient is not zero, and its two uses sum (forward mode agrees).
        assertTrue(Math.abs(grad[0]) > 1e-6, "seed " + seed + ": dx1 = " + grad[0]);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5})
    void tangentSweepAgreesWithReverseSweepAndResidualsVanish(long seed) {
        SweepChecks.assertTangentAndResiduals(program(), inputs(seed), seed);
    }

    @Test
    void jacobianRowsOfStackAndElement() {
        Program p = program();
        double[] x = inputs(6);
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, x, z);
        int u = p.nodeNamed("u");
        assertEquals(VectorPrimitive.STACK, p.vectorPrimitive(u));
        assertEquals("stack", p.vectorPrimitive(u).symbol());
        assertEquals(4, p.width(u));
        int x1 = p.nodeNamed("x1");
        int x3 = p.nodeNamed("x3");
        int e = p.arguments(u)[3];
        assertEquals(VectorPrimitive.ELEMENT, p.vectorPrimitive(e));
        assertEquals(x[3 + 12 + 3 + 1], z[p.slot(e)], 0.0, "element(y, 1) is y[2]");
        assertEquals(x[0], z[p.slot(u) + 2], 0.0);
        int[] slots = new int[4];
        double[] dfdz = new double[4];
        int[] support = new int[4];
        for (int r = 0; r < 4; r++) {
            assertEquals(4, VectorKernels.jacobianRow(p, u, r, x, z, slots, dfdz));
            assertEquals(p.slot(x1), slots[0]);
            assertEquals(p.slot(x3), slots[1]);
            assertEquals(p.slot(x1), slots[2]);
            assertEquals(p.slot(e), slots[3]);
            for (int m = 0; m < 4; m++) {
                assertEquals(m == r ? 1 : 0, dfdz[m], 0.0, "stack row " + r + ", entry " + m);
            }
            assertEquals(1, VectorKernels.rowSupport(p, u, r, support));
            assertEquals(r, support[0]);
        }
        int h3 = p.nodeNamed("h3");
        int h = p.nodeNamed("h");
        assertEquals(1, p.width(h3));
        assertEquals(3, VectorKernels.rowLength(p, h3));
        assertEquals(3, VectorKernels.jacobianRow(p, h3, 0, x, z, slots, dfdz));
        for (int m = 0; m < 3; m++) {
            assertEquals(p.slot(h) + m, slots[m]);
            assertEquals(m == 2 ? 1 : 0, dfdz[m], 0.0, "element(h, 2), entry " + m);
        }
        assertEquals(1, VectorKernels.rowSupport(p, h3, 0, support));
        assertEquals(2, support[0]);
        assertEquals(z[p.slot(h) + 2], Sweeps.constraintValue(p, h3, x, z), 0.0);
    }

    @Test
    void stackAndElementRefuseMisuse() {
        var b = Program.builder();
        Var v = b.inputVector("v", new double[3]);
        Var s = b.input("s", 1);
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> b.element(v, 3));
        assertTrue(range.getMessage().contains("v") && range.getMessage().contains("3 entries"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.element(v, -1));
        IllegalArgumentException vector = assertThrows(IllegalArgumentException.class, () -> b.stack(s, v));
        assertTrue(vector.getMessage().contains("operand 2, v, has 3 entries"), vector.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.stack());
        // element of a scalar, entry 0, is the scalar.
        Var e = b.element(s, 0);
        Program p = b.output(b.let("f", b.add(e, b.vectorSum(b.stack(s, s))))).build();
        assertEquals(3.0, GradientCheck.evaluate(p, new double[] {0, 0, 0, 1}), 0.0);
    }

    @Test
    void aPlaceholderTakesTheWidthItsFirstVectorUseImplies() {
        var b = Program.builder();
        Var pm = b.inputMatrix("P", 2, 3, new double[6]);
        Var r = b.inputVector("r", new double[2]);
        Var v = b.declare("v");
        assertTrue(b.isWidthDeferred(v));
        Var pv = b.matvec(pm, v);
        assertFalse(b.isWidthDeferred(v));
        assertEquals(3, b.width(v));
        Var w = b.declare("w");
        Var sum = b.vectorAdd(w, r); // w takes r's width
        assertEquals(2, b.width(w));
        ProgramException wrong = assertThrows(ProgramException.class, () -> b.defineVector(v, r));
        assertTrue(wrong.getMessage().contains("'v' has 3 entries") && wrong.getMessage().contains("matvec(P, v)")
                && wrong.getMessage().contains("2 entries"), wrong.getMessage());
        assertEquals(java.util.List.of("v"), wrong.names());
        ProgramException scalar = assertThrows(ProgramException.class, () -> b.define("w", Primitive.SIN, new double[0],
                b.input("t", 0)));
        assertTrue(scalar.getMessage().contains("'w'") && scalar.getMessage().contains("scalar"), scalar.getMessage());
    }

    @Test
    void placeholdersOfUnknownWidthAreRefusedWhereNoWidthIsImplied() {
        var b = Program.builder();
        Var u = b.declare("u");
        Var v = b.declare("v");
        ProgramException both = assertThrows(ProgramException.class, () -> b.vectorAdd(u, v));
        assertTrue(both.getMessage().contains("'v'") && both.getMessage().contains("declareVector(\"v\", width)"),
                both.getMessage());
        ProgramException map = assertThrows(ProgramException.class, () -> b.map(Primitive.TANH, u));
        assertTrue(map.getMessage().contains("'u'"), map.getMessage());
        assertThrows(ProgramException.class, () -> b.matvec(u, b.inputVector("x", new double[2])));
        assertThrows(ProgramException.class, () -> b.scale(2.0, u));
        assertThrows(ProgramException.class, () -> b.defineVector(u, v));
        // element of a deferred placeholder: checked when its width is known.
        Var e = b.element(u, 4);
        ProgramException shortDefinition = assertThrows(ProgramException.class,
                () -> b.defineVector(u, b.inputVector("y", new double[3])));
        assertTrue(shortDefinition.getMessage().contains("element(u, 4)"), shortDefinition.getMessage());
        Var w = b.declare("w");
        b.element(w, 1);
        ProgramException implied = assertThrows(ProgramException.class, () -> b.stack(w));
        assertTrue(implied.getMessage().contains("'w'") && implied.getMessage().contains("element(w, 1)"),
                implied.getMessage());
        assertTrue(e.id() >= 0);
    }

    @Test
    void aScalarUseOfAPlaceholderThatBecomesAVectorIsRefusedAtBuild() {
        var b = Program.builder();
        Var v = b.declare("v");
        Var s = b.let("s", b.sin(v)); // a scalar use: v stays deferred
        assertTrue(b.isWidthDeferred(v));
        b.defineVector(v, b.inputVector("x", new double[2]));
        ProgramException e = assertThrows(ProgramException.class, () -> b.output(s).build());
        assertTrue(e.getMessage().contains("'v'") && e.getMessage().contains("'s'"), e.getMessage());
    }

    @Test
    void aPlaceholderDefinedByAVectorAndUsedByElementEvaluates() {
        var b = Program.builder();
        Var v = b.declare("v");
        Var first = b.element(v, 0);
        Var second = b.element(v, 1);
        Var x = b.inputVector("x", new double[] {2, 3});
        b.define(v, b.scale(2.0, x)); // define with a vector value
        Var named = b.let("y", x); // let of a vector: a named copy
        Program p = b.output(b.let("f", b.add(b.mul(first, second), b.vectorSum(named)))).build();
        assertEquals(VectorPrimitive.COPY, p.vectorPrimitive(p.nodeNamed("v")));
        assertEquals(2, p.width(p.nodeNamed("v")));
        assertEquals(2, p.width(p.nodeNamed("y")));
        // v = (4, 6): f = 24 + 5; df/dx1 = 2 * 6 + 1, df/dx2 = 4 * 2 + 1.
        assertEquals(29.0, GradientCheck.evaluate(p, new double[] {2, 3}), 0.0);
        double[] g = GradientCheck.of(p).forwardMode(new double[] {2, 3});
        assertEquals(13.0, g[0], 1e-14);
        assertEquals(9.0, g[1], 1e-14);
    }

    @Test
    void scalarPlaceholdersWorkAsBefore() {
        var b = Program.builder();
        Var x = b.input("x", 0.5);
        Var y = b.declare("y");
        Var t = b.let("t", b.mul(0.5, b.cos(y)));
        b.define("y", Primitive.ADD, new double[0], t, x);
        Program p = b.output(b.let("f", b.mul(y, y))).build();
        assertEquals(1, p.blocks().cyclicCount());
        assertEquals(1, p.width(p.nodeNamed("y")));
        assertEquals(Primitive.ADD, p.primitive(p.nodeNamed("y")));
    }
}
