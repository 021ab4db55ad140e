package dev.lagrange.lang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import dev.lagrange.program.Var;
import org.junit.jupiter.api.Test;

/**
 * Every program in {@code examples/programs/}, parsed and evaluated: values against closed forms or
 * numbers computed independently (mpmath at 40 digits, hand-derived tangent recurrences), gradients
 * by back-substitution against the closed forms and against forward mode.
 */
class ExampleProgramsTest {
    private static Program example(String file) {
        return Lag.parse(Lag.read(file));
    }

    /** Back-substitution and forward mode agree with the closed-form gradient. */
    private static void assertGradient(Program p, double[] expected, double tolerance) {
        double[] x = p.inputDefaults();
        assertArrayEquals(expected, Lag.gradient(p), tolerance, "back-substitution");
        assertArrayEquals(expected, GradientCheck.of(p).forwardMode(x), tolerance, "forward mode");
    }

    @Test
    void seedIsTheProgramTheJavaBuilderBuilds() {
        var b = Program.builder();
        Var x = b.input("x", 0.5);
        Var a = b.let("a", b.exp(x));
        Var bb = b.let("b", b.pow(a, 2));
        Var c = b.let("c", b.add(a, bb));
        Var d = b.let("d", b.exp(c));
        Var e = b.let("e", b.sin(c));
        Var f = b.let("f", b.add(d, e));
        assertEquals(b.output(f).build(), example("seed.lag"));
    }

    @Test
    void seed() {
        Program p = example("seed.lag");
        assertEquals(77.86615550195191, Lag.value(p, "f"), 2e-15 * 77.9);
        assertGradient(p, new double[] {555.9719679015081}, 4e-15 * 556);
    }

    @Test
    void chainRule() {
        Program p = example("chain-rule.lag");
        double x = 0.5;
        double y = -1.5;
        double exy = Math.exp(x * y);
        assertEquals(2.472366552741014707, Lag.value(p, "L"), 1e-15);
        assertGradient(p, new double[] {y * exy, x * exy, 1}, 1e-15);
    }

    @Test
    void sumProduct() {
        Program p = example("autodiff-sum-product.lag");
        assertEquals(-12, Lag.value(p, "f"));
        assertGradient(p, new double[] {-4, -4, 3}, 0);
    }

    @Test
    void cubic() {
        Program p = example("cubic.lag");
        assertEquals(2 * 3.375 + 7, Lag.value(p, "f"), 1e-14);
        assertGradient(p, new double[] {6 * 1.5 * 1.5}, 1e-13);
        assertEquals(4, p.size(), "x, x^3, 2 x^3, 2 x^3 + 7: constants fold into weighted sums");
    }

    @Test
    void recurrence() {
        Program p = example("recurrence.lag");
        double w = 1.3;
        double h = 0.1;
        double z = 0.5;
        double[] dz = {1, 0, 0}; // dz/d(z0, w, h), by the tangent recurrence written out by hand
        for (int t = 1; t <= 20; t++) {
            double s = Math.sin(w * z);
            double c = Math.cos(w * z);
            double[] next = new double[3];
            for (int k = 0; k < 3; k++) {
                next[k] = dz[k] * (1 + h * w * c);
            }
            next[1] += h * c * z;
            next[2] += s;
            dz = next;
            z = z + h * s;
        }
        assertEquals(z, Lag.value(p, "z[20]"), 1e-15);
        assertEquals(p.nodeNamed("z[20]"), p.objective());
        assertGradient(p, dz, 1e-14);
        var report = GradientCheck.of(p).check(p.inputDefaults(), Lag.gradient(p));
        assertTrue(report.passed(1e-8), report.toString());
    }

    @Test
    void softmaxCrossEntropy() {
        Program p = example("softmax-xent.lag");
        double[] s = {1.0, 2.0, 0.5, -1.0};
        double sum = 0;
        for (double v : s) {
            sum += Math.exp(v);
        }
        assertEquals(Math.log(sum) - s[1], Lag.value(p, "loss"), 1e-15);
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) {
            expected[i] = Math.exp(s[i]) / sum - (i == 1 ? 1 : 0);
            assertEquals(Math.exp(s[i]) / sum, Lag.value(p, "p[" + (i + 1) + "]"), 1e-16);
        }
        assertGradient(p, expected, 1e-15);
        assertEquals(5, p.outputCount());
        int z = p.nodeNamed("Z");
        assertEquals(Primitive.WEIGHTED_SUM, p.primitive(z), "sum(...) is one weighted sum");
        assertEquals(4, p.arity(z));
    }

    @Test
    void keplerIsOneCyclicBlockAndItsRootSatisfiesIt() {
        Program p = example("kepler.lag");
        assertFalse(p.isAcyclic());
        assertEquals(1, p.blocks().cyclicCount());
        int e = p.nodeNamed("E");
        assertEquals(0, p.blocks().cyclicBlockOf(e));
        assertEquals(1.0, p.initialValue(e));
        // E* = 1.4987011335178483140579854972562399 (mpmath findroot, 40 digits)
        double[] z = pointWith(p, e, 1.4987011335178483);
        assertEquals(0, z[p.slot(e)] - Sweeps.constraintValue(p, e, p.inputDefaults(), z), 4e-16);
        double away = 1.2 - Sweeps.constraintValue(p, e, p.inputDefaults(), pointWith(p, e, 1.2));
        assertEquals(1.2 - 1 - 0.5 * Math.sin(1.2), away, 1e-15, "away from the root the residual is E - M - e sin E");
    }

    @Test
    void solveBlockResidualsVanishAtTheClosedForm() {
        Program p = example("circle-line.lag");
        int u = p.nodeNamed("u");
        int v = p.nodeNamed("v");
        assertEquals(Primitive.IMPLICIT, p.primitive(u));
        assertEquals(Primitive.IMPLICIT, p.primitive(v));
        assertEquals(p.blocks().cyclicBlockOf(u), p.blocks().cyclicBlockOf(v));
        assertEquals(1.0, p.initialValue(u));
        double r = 2;
        double a = 0.5;
        double uStar = r / Math.sqrt(1 + a * a);
        double[] z = pointWith(p, u, uStar);
        z[p.slot(v)] = a * uStar;
        z = evaluateAround(p, z, u, v);
        double[] x = p.inputDefaults();
        assertEquals(0, z[p.slot(u)] - Sweeps.constraintValue(p, u, x, z), 1e-15, "u^2 + v^2 - r^2");
        assertEquals(0, z[p.slot(v)] - Sweeps.constraintValue(p, v, x, z), 1e-15, "v - a u");
        assertEquals((1 + a) * uStar, z[p.slot(p.nodeNamed("f"))], 1e-15);
    }

    /** Values with node {@code fixed} set to {@code value} and every other node evaluated in order. */
    private static double[] pointWith(Program p, int fixed, double value) {
        double[] z = new double[p.slotCount()];
        z[p.slot(fixed)] = value;
        return evaluateAround(p, z, fixed);
    }

    private static double[] evaluateAround(Program p, double[] z, int... fixed) {
        double[] x = p.inputDefaults();
        outer:
        for (int i = 0; i < p.size(); i++) {
            for (int f : fixed) {
                if (f == i) {
                    continue outer;
                }
            }
            z[p.slot(i)] = Sweeps.constraintValue(p, i, x, z);
        }
        return z;
    }
}
