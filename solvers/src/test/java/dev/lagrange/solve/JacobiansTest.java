package dev.lagrange.solve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import dev.lagrange.program.Var;
import dev.lagrange.solve.substitution.BackSubstitution;
import dev.lagrange.solve.substitution.ForwardPass;
import dev.lagrange.solve.substitution.Jacobians;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dot-product test of reverse against forward mode: for random t and c,
 * {@code <t, J^T c>} (one back-substitution) equals {@code <c, J t>} (one tangent sweep), and both
 * agree with central differences of the outputs along t.
 */
class JacobiansTest {
    static LongStream seeds() {
        return LongStream.range(100, 140);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void dotProductTest(long seed) {
        int d = 1 + (int) (seed % 4);
        int m = 1 + (int) (seed / 4 % 4);
        RandomPrograms.Sample s = RandomPrograms.acyclic(seed, d, m);
        Program p = s.program();
        double[] x = s.x();
        double[] z = new double[p.slotCount()];
        assertEquals(-1, ForwardPass.solve(p, x, z), "seed " + seed);
        Random random = new Random(seed);
        double[] t = gaussian(random, d);
        double[] c = gaussian(random, m);

        double[] jtc = Jacobians.vjp(p, z, c);
        double[] jt = Jacobians.jvp(p, z, t);
        double reverse = dot(t, jtc);
        double forward = dot(c, jt);
        double scale = absDot(t, jtc) + absDot(c, jt);
        assertTrue(Math.abs(reverse - forward) <= 1e-13 * scale, "seed " + seed + ": <t, J^T c> = " + reverse
                + " but <c, J t> = " + forward);

        // Central differences along t, output by output: O(h^2) truncation plus eps |F| / h rounding.
        double h = 1e-5;
        double[] up = outputs(p, axpy(x, h, t));
        double[] down = outputs(p, axpy(x, -h, t));
        double fdDot = 0;
        for (int k = 0; k < m; k++) {
            double fd = (up[k] - down[k]) / (2 * h);
            assertTrue(Math.abs(jt[k] - fd) <= 1e-6 * (1 + Math.abs(fd)), "seed " + seed + ": (J t)_" + k + " = "
                    + jt[k] + " vs central difference " + fd);
            fdDot += c[k] * fd;
        }
        assertTrue(Math.abs(reverse - fdDot) <= 1e-6 * (1 + scale), "seed " + seed + ": <t, J^T c> = " + reverse
                + " vs central difference " + fdDot);
    }

    @Test
    void jacobianOfAKnownMap() {
        // (u, v) -> (u v, sin u, u + 2 v): 3 outputs of 2 inputs, so tangent sweeps.
        var b = Program.builder();
        Var u = b.input("u");
        Var v = b.input("v");
        Program p = b.output(b.mul(u, v), b.sin(u), b.weightedSum(0, new double[] {1, 2}, u, v)).build();
        assertEquals(false, Jacobians.usesReverseMode(p));
        double[] x = {0.3, -1.1};
        double[] z = new double[p.slotCount()];
        ForwardPass.solve(p, x, z);
        double[][] expected = {{-1.1, 0.3}, {Math.cos(0.3), 0}, {1, 2}};
        double[][] jac = Jacobians.jacobian(p, z);
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(expected[k], jac[k], 1e-15, "row " + k);
        }
        // Two of those outputs: 2 x 2 goes through back-substitution.
        Program q = p.withOutputs(p.output(0), p.output(2));
        assertEquals(true, Jacobians.usesReverseMode(q));
        double[][] rows = Jacobians.jacobian(q, z);
        assertArrayEquals(expected[0], rows[0], 1e-15);
        assertArrayEquals(expected[2], rows[1], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Jacobians.jvp(p, z, new double[3]));
        assertThrows(IllegalArgumentException.class, () -> Jacobians.vjp(p, z, new double[2]));
    }

    @Test
    void substitutionRefusesACyclicProgram() {
        var b = Program.builder();
        Var x = b.input("x");
        Var w = b.declare("w");
        b.define("w", Primitive.COS, new double[0], b.mul(x, w));
        Program p = b.output(w).build();
        double[] z = new double[p.slotCount()];
        assertThrows(IllegalArgumentException.class, () -> ForwardPass.solve(p, new double[] {1}, z));
        assertThrows(IllegalArgumentException.class, () -> Jacobians.jvp(p, z, new double[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> BackSubstitution.solve(p, z, BackSubstitution.objectiveSeed(p)));
    }

    private static double[] outputs(Program p, double[] x) {
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, x, z);
        double[] out = new double[p.outputCount()];
        for (int k = 0; k < out.length; k++) {
            out[k] = z[p.slot(p.output(k))];
        }
        return out;
    }

    private static double[] axpy(double[] x, double a, double[] t) {
        double[] y = x.clone();
        for (int k = 0; k < y.length; k++) {
            y[k] += a * t[k];
        }
        return y;
    }

    private static double[] gaussian(Random random, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = random.nextGaussian();
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    private static double absDot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += Math.abs(a[k] * b[k]);
        }
        return s;
    }
}
