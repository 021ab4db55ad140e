package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.primitive.Primitive;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sweeps' static dispatch and the builder's direct recording paths against independent
 * references: each primitive's own (virtual) value, forward-mode {@code DerivativeStructure}
 * derivatives, and programs recorded through the general {@code apply} path.
 */
class SweepDispatchTest {
    private static final Set<Primitive> NOT_APPLICABLE =
            EnumSet.of(Primitive.INPUT, Primitive.CONSTANT, Primitive.WEIGHTED_SUM, Primitive.IMPLICIT);

    @ParameterizedTest
    @EnumSource(Primitive.class)
    void everyPrimitiveMatchesItsOwnValueAndForwardModePartials(Primitive f) {
        if (NOT_APPLICABLE.contains(f)) {
            return;
        }
        Random random = new Random(345 + f.ordinal());
        for (int trial = 0; trial < 20; trial++) {
            Program.Builder b = Program.builder();
            double a = f.domain(0).sample(random);
            double c = f.domain(1).sample(random);
            // Half-integer exponents only on positive bases, where a^p is real.
            double p = f == Primitive.POWC ? 1 + random.nextInt(4) + (a > 0 && trial % 2 == 1 ? 0.5 : 0) : 0;
            Var xa = b.input("a", a);
            Var xc = b.input("c", c);
            Var out = f == Primitive.POWC ? b.apply(f, new double[] {p}, xa)
                    : f.arity() == 1 ? b.apply(f, xa) : b.apply(f, xa, xc);
            Program program = b.output(out).build();
            String where = f + " at a = " + a + ", c = " + c + ", p = " + p + " (seed " + (345 + f.ordinal()) + ")";

            double[] x = {a, c};
            double[] z = new double[program.slotCount()];
            Sweeps.forward(program, x, z);
            assertEquals(f.value(a, c, p), z[program.slot(program.objective())], 0, where);

            double[] lambda = new double[program.slotCount()];
            lambda[program.slot(program.objective())] = 1;
            Sweeps.reverse(program, z, lambda, lambda, 0, program.size());
            double[] gradient = {lambda[program.slot(program.input(0))], lambda[program.slot(program.input(1))]};
            double[] oracle = GradientCheck.of(program).forwardMode(x);
            assertArrayEquals(oracle, gradient, 1e-12 * (1 + Math.abs(oracle[0]) + Math.abs(oracle[1])), where);

            double[] dz = new double[program.slotCount()];
            Sweeps.tangent(program, z, new double[] {1, 0}, dz);
            assertEquals(oracle[0], dz[program.slot(program.objective())], 1e-12 * (1 + Math.abs(oracle[0])), where);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void directRecordingEqualsTheGeneralPath(long seed) {
        Random random = new Random(seed);
        Program.Builder direct = Program.builder();
        Program.Builder general = Program.builder();
        Var[] u = {direct.input("x", 0.4), direct.input("y", -0.2)};
        Var[] v = {general.input("x", 0.4), general.input("y", -0.2)};
        Var[] us = new Var[40];
        Var[] vs = new Var[40];
        us[0] = u[0];
        us[1] = u[1];
        vs[0] = v[0];
        vs[1] = v[1];
        for (int i = 2; i < us.length; i++) {
            Var ua = us[random.nextInt(i)];
            Var ub = us[random.nextInt(i)];
            int ja = indexOf(us, ua);
            int jb = indexOf(us, ub);
            Var va = vs[ja];
            Var vb = vs[jb];
            double c = random.nextDouble();
            switch (random.nextInt(7)) {
                case 0 -> { us[i] = direct.sin(ua); vs[i] = general.apply(Primitive.SIN, va); }
                case 1 -> { us[i] = direct.mul(ua, ub); vs[i] = general.apply(Primitive.MUL, va, vb); }
                case 2 -> { us[i] = direct.pow(ua, 2); vs[i] = general.apply(Primitive.POWC, new double[] {2}, va); }
                case 3 -> { us[i] = direct.add(ua, c); vs[i] = general.apply(Primitive.WEIGHTED_SUM, new double[] {c, 1}, va); }
                case 4 -> { us[i] = direct.mul(c, ua); vs[i] = general.apply(Primitive.WEIGHTED_SUM, new double[] {0, c}, va); }
                case 5 -> {
                    us[i] = direct.weightedSum(c, new double[] {1, -c}, ua, ub);
                    vs[i] = general.apply(Primitive.WEIGHTED_SUM, new double[] {c, 1, -c}, va, vb);
                }
                default -> { us[i] = direct.max(ua, ub); vs[i] = general.apply(Primitive.MAX, va, vb); }
            }
        }
        direct.let("out", us[us.length - 1]);
        general.let("out", vs[vs.length - 1]);
        Program p = direct.output(us[us.length - 1]).build();
        Program q = general.output(vs[vs.length - 1]).build();
        assertEquals(q, p, "seed " + seed);
        assertEquals(p.size() - 1, p.nodeNamed("out"), "seed " + seed);
        assertEquals("out", p.name(p.size() - 1), "seed " + seed);
        assertNull(p.name(2), "seed " + seed);
        assertEquals("%2", p.label(2), "seed " + seed);
    }

    private static int indexOf(Var[] vars, Var v) {
        for (int k = 0; k < vars.length; k++) {
            if (vars[k] == v) {
                return k;
            }
        }
        throw new AssertionError(v);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void useBeforeDefinitionIsReorderedAndCyclesAreFound(boolean cyclic) {
        Program.Builder b = Program.builder();
        Var y = b.declare("y");
        Var x = b.input("x", 0.5);
        Var e = b.exp(y);
        b.define("y", Primitive.SIN, new double[0], cyclic ? e : x);
        Program p = b.output(e).build();
        assertEquals(!cyclic, p.isAcyclic());
        if (!cyclic) {
            // Evaluation order: x, then y = sin(x), then exp(y).
            assertTrue(p.node(x) < p.node(y) && p.node(y) < p.node(e));
            double[] z = new double[p.slotCount()];
            Sweeps.forward(p, new double[] {0.5}, z);
            assertEquals(Math.exp(Math.sin(0.5)), z[p.slot(p.node(e))], 1e-15);
        } else {
            assertFalse(p.isAcyclic());
            assertEquals(1, p.blocks().cyclicCount());
        }
    }
}
