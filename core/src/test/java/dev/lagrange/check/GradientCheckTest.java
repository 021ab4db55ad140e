package dev.lagrange.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.lang.LagParser;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.SecondOrder;
import dev.lagrange.program.Var;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gradient check as a detector: it accepts right gradients and names the wrong entry. */
class GradientCheckTest {
    /** f(x, y, w) = sin(x y) + exp(w) / y, with its gradient in closed form. */
    static Program program() {
        var b = Program.builder();
        Var x = b.input("x");
        Var y = b.input("y");
        Var w = b.input("w");
        return b.output(b.add(b.sin(b.mul(x, y)), b.div(b.exp(w), y))).build();
    }

    static double[] gradient(double x, double y, double w) {
        double c = Math.cos(x * y);
        return new double[] {y * c, x * c - Math.exp(w) / (y * y), Math.exp(w) / y};
    }

    private static final double[] X = {0.7, 1.3, -0.4};

    @Test
    void acceptsTheRightGradient() {
        GradientCheck check = GradientCheck.of(program());
        GradientCheck.Report report = check.check(X, gradient(X[0], X[1], X[2]));
        List<String> methods = report.comparisons().stream().map(GradientCheck.Comparison::method).toList();
        assertEquals(List.of(GradientCheck.FORWARD_MODE, GradientCheck.CENTRAL_DIFFERENCES,
                GradientCheck.RANDOM_DIRECTIONS), methods);
        assertEquals(String.join("; ", methods), report.methods());
        assertTrue(report.comparisons().get(0).maxRelativeError() <= 1e-14, report.toString());
        assertTrue(report.passed(1e-9), report.toString());
        assertTrue(report.comparisons().get(2).where().contains("seed 345"), report.comparisons().get(2).where());
        assertNull(report.comparisons().get(2).reference());
        double[] reference = report.comparisons().get(0).reference();
        double[] exact = gradient(X[0], X[1], X[2]);
        for (int k = 0; k < 3; k++) {
            assertEquals(exact[k], reference[k], 1e-14 * Math.abs(exact[k]), "forward mode, input " + k);
        }
    }

    @Test
    void namesTheWrongEntry() {
        GradientCheck check = GradientCheck.of(program());
        double[] wrong = gradient(X[0], X[1], X[2]);
        wrong[1] *= 1 + 1e-3;
        GradientCheck.Report report = check.check(X, wrong);
        assertTrue(report.maxRelativeError() > 5e-4 && report.maxRelativeError() < 2e-3, report.toString());
        assertEquals(false, report.passed(1e-6));
        for (GradientCheck.Comparison c : report.comparisons().subList(0, 2)) {
            assertEquals("y", c.where(), c.method());
            assertTrue(c.maxRelativeError() > 5e-4, c.toString());
        }
        assertTrue(report.comparisons().get(2).maxRelativeError() > 1e-6, "a random direction sees the error too");
        assertEquals("y", report.worst().where());
    }

    @Test
    void centralDifferencesAreFourthOrder() {
        var b = Program.builder();
        Program p = b.output(b.exp(b.input("x"))).build();
        GradientCheck check = GradientCheck.of(p).withStep(1e-3);
        // Richardson's error is about h^4 f^(5) / 480: 1e-14 at h = 1e-3; rounding adds eps |f| / h.
        assertEquals(Math.exp(1), check.centralDifferences(new double[] {1})[0], 1e-11);
        assertEquals(Math.exp(1), GradientCheck.evaluate(p, new double[] {1}), 0.0);
    }

    @Test
    void checksACyclicProgramThroughItsObjectiveFunction() {
        // z = x / (1 + z), so z^2 + z - x = 0 and z = (sqrt(1 + 4x) - 1) / 2, dz/dx = 1 / sqrt(1 + 4x).
        var b = Program.builder();
        Var x = b.input("x");
        Var z = b.declare("z");
        b.define("z", Primitive.DIV, new double[0], x, b.add(z, 1));
        Program p = b.output(z).build();
        assertEquals(1, p.blocks().cyclicCount());
        assertThrows(IllegalArgumentException.class, () -> GradientCheck.of(p));
        GradientCheck check = GradientCheck.of(p, in -> (Math.sqrt(1 + 4 * in[0]) - 1) / 2);
        assertThrows(IllegalStateException.class, () -> check.forwardMode(new double[] {2}));
        double[] at = {2};
        GradientCheck.Report right = check.check(at, new double[] {1 / Math.sqrt(9)});
        assertEquals(List.of(GradientCheck.CENTRAL_DIFFERENCES, GradientCheck.RANDOM_DIRECTIONS),
                right.comparisons().stream().map(GradientCheck.Comparison::method).toList());
        assertTrue(right.passed(1e-10), right.toString());
        GradientCheck.Report wrong = check.check(at, new double[] {0.3});
        assertEquals("x", wrong.comparisons().get(0).where());
        assertEquals(0.1, wrong.maxRelativeError(), 1e-9, "|0.3 - 1/3| / (1/3)");
    }

    @Test
    void relativeErrorHasAFloor() {
        GradientCheck check = GradientCheck.of(program());
        assertEquals(0.0, check.relativeError(2, 2));
        assertEquals(0.5, check.relativeError(1, 2));
        assertEquals(0.01, check.relativeError(0, 1e-10), 1e-18, "below the floor 1e-8 the error is absolute / 1e-8");
        assertEquals(1e-4, check.withFloor(1e-6).relativeError(0, 1e-10), 1e-18);
        assertTrue(Double.isNaN(check.relativeError(Double.NaN, 1)));
    }

    @Test
    void optionsAreValidated() {
        GradientCheck check = GradientCheck.of(program());
        assertThrows(IllegalArgumentException.class, () -> check.withStep(0));
        assertThrows(IllegalArgumentException.class, () -> check.withStep(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> check.withDirections(-1));
        assertThrows(IllegalArgumentException.class, () -> check.check(new double[2], new double[3]));
        GradientCheck.Report none = check.withDirections(0).check(X, gradient(X[0], X[1], X[2]));
        assertEquals(2, none.comparisons().size());
        GradientCheck.Report other = check.withSeed(7).check(X, gradient(X[0], X[1], X[2]));
        assertTrue(other.comparisons().get(2).where().contains("seed 7"), other.toString());
    }

    /** The Hessian check: second-order adjoints pass it; one wrong entry fails it, named. */
    @Test
    void theHessianCheckPassesSecondOrderAdjointsAndNamesAWrongEntry() {
        Program p = LagParser.parse("""
                input a = 0.7
                input b = -0.4
                f = exp(a * b) * sin(a) + log(1 + b * b) / (2 + a)
                output f
                """, "h.lag");
        double[] x = p.inputDefaults();
        double[][] h = SecondOrder.of(p).hessian(x);
        GradientCheck check = GradientCheck.of(p);
        GradientCheck.Report report = check.checkHessian(x, h);
        assertTrue(report.passed(1e-7), report.toString());
        assertEquals(2, report.comparisons().size());
        h[0][1] *= 1.001;
        GradientCheck.Report wrong = check.checkHessian(x, h);
        assertFalse(wrong.passed(1e-4), wrong.toString());
        assertEquals("d2f/da db", wrong.worst().where());
    }

    /** Forward mode of order 2 runs through vector nodes too: against differences of the gradient on a tanh layer. */
    @Test
    void forwardModeHessiansOfVectorProgramsMatchDifferencesOfTheGradient() {
        Program p = LagParser.parse("""
                input W[1..2, 1..2] = [0.5, -0.3, 0.8, 0.1]
                input x[1..2, 1] = [0.4, -1.2]
                f = sum(tanh(W @ x)) + dot(x, x) * 0.1
                output f
                """, "v.lag");
        double[] x0 = p.inputDefaults();
        GradientCheck check = GradientCheck.of(p);
        double[][] exact = check.forwardModeHessian(x0);
        double[][] differences = check.gradientDifferences(x0);
        for (int r = 0; r < x0.length; r++) {
            for (int c = 0; c < x0.length; c++) {
                assertEquals(differences[r][c], exact[r][c], 1e-7, p.inputLabel(r) + ", " + p.inputLabel(c));
                assertEquals(exact[c][r], exact[r][c], 1e-14, "symmetric");
            }
        }
    }
}
