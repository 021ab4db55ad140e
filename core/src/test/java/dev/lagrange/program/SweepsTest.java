package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The sweeps on hand-made programs whose values and derivatives are known in closed form. */
class SweepsTest {
    @Test
    void weightedSumThroughAProgram() {
        // t = 0.5 + 2 x - 3 y + 0.25 x (x twice), u = 7 (no terms), f = t * y + u.
        var b = Program.builder();
        Var x = b.input("x");
        Var y = b.input("y");
        Var t = b.let("t", b.weightedSum(0.5, new double[] {2, -3, 0.25}, x, y, x));
        Var u = b.let("u", b.weightedSum(7, new double[0]));
        Var f = b.let("f", b.add(b.mul(t, y), u));
        Program p = b.output(f).build();
        double[] in = {1.5, -0.5};
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, in, z);
        double tv = 0.5 + 2 * 1.5 + 1.5 + 0.25 * 1.5;
        assertEquals(tv, z[p.node(t)], 1e-15);
        assertEquals(7.0, z[p.node(u)]);
        assertEquals(tv * -0.5 + 7, z[p.node(f)], 1e-15);
        assertEquals(z[p.node(f)], Sweeps.constraintValue(p, p.node(f), in, z));

        // df/dx = 2.25 y, df/dy = -3 y + t.
        double[] lambda = new double[p.slotCount()];
        lambda[p.node(f)] = 1;
        Sweeps.reverse(p, z, lambda, lambda, 0, p.size());
        assertEquals(2.25 * -0.5, lambda[p.node(x)], 1e-15);
        assertEquals(-3 * -0.5 + tv, lambda[p.node(y)], 1e-15);
        assertEquals(0.0, lambda[p.node(u)] - 1, 0.0, "u enters f with weight 1");

        double[] dz = new double[p.slotCount()];
        Sweeps.tangent(p, z, new double[] {1, 0}, dz);
        assertEquals(2.25, dz[p.node(t)], 1e-15);
        assertEquals(0.0, dz[p.node(u)]);
        assertEquals(2.25 * -0.5, dz[p.node(f)], 1e-15);
        Sweeps.tangent(p, z, new double[] {0, 1}, dz);
        assertEquals(-3 * -0.5 + tv, dz[p.node(f)], 1e-15);
    }

    @Test
    void reverseWithSeparateArraysIsTheLocalTranspose() {
        // dst += J^T src for the local Jacobian only: nothing is pushed further back.
        var b = Program.builder();
        Var x = b.input("x");
        Var s = b.let("s", b.sin(x));
        Var q = b.let("q", b.mul(s, s));
        Program p = b.output(q).build();
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, new double[] {0.3}, z);
        double[] src = new double[p.slotCount()];
        src[p.node(q)] = 1;
        double[] dst = new double[p.slotCount()];
        Sweeps.reverse(p, z, src, dst, 0, p.size());
        double[] expected = new double[p.slotCount()];
        expected[p.node(s)] = 2 * Math.sin(0.3);
        assertArrayEquals(expected, dst, 1e-16);
    }

    @Test
    void firstNonFiniteFindsTheFirst() {
        var b = Program.builder();
        Var x = b.input("x");
        Var l = b.let("l", b.log(x));
        b.let("e", b.exp(l));
        Program p = b.output(b.sqrt(l)).build();
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, new double[] {-1}, z);
        assertEquals(p.node(l), Sweeps.firstNonFinite(p, z, 0, p.size()));
        Sweeps.forward(p, new double[] {2}, z);
        assertEquals(-1, Sweeps.firstNonFinite(p, z, 0, p.size()));
    }
}
