package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder's int-id view records exactly what the handle methods record. */
class BuilderIdsTest {
    @Test
    void domkeByIdsIsDomkeByHandles() {
        Program.Builder h = Program.builder();
        Var x = h.input("x", 0.5);
        Var a = h.exp(x);
        Var b = h.pow(a, 2);
        Var c = h.add(a, b);
        Var d = h.exp(c);
        Var e = h.sin(c);
        Program byHandles = h.output(h.let("f", h.add(d, e))).build();

        Program.Builder builder = Program.builder();
        Program.Builder.Ids ids = builder.ids();
        int xi = ids.input("x", 0.5);
        int ai = ids.apply(Primitive.EXP, xi);
        int bi = ids.pow(ai, 2);
        int ci = ids.apply(Primitive.ADD, ai, bi);
        int di = ids.apply(Primitive.EXP, ci);
        int ei = ids.apply(Primitive.SIN, ci);
        int fi = ids.apply(Primitive.ADD, di, ei);
        builder.let("f", ids.var(fi));
        Program byIds = ids.output(fi).build();

        assertEquals(byHandles, byIds);
        double[] z = new double[byIds.slotCount()];
        Sweeps.forward(byIds, byIds.inputDefaults(), z);
        assertEquals(77.86615550195191, z[byIds.objective()], 2e-15 * 77.9);
    }

    /** Seeded random programs over every scalar primitive, recorded twice. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomProgramsAgree(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = 400;
        Program.Builder h = Program.builder();
        Program.Builder i = Program.builder();
        Program.Builder.Ids ids = i.ids();
        Var[] zh = new Var[n];
        int[] zi = new int[n];
        zh[0] = h.input("x", 0.25);
        zi[0] = ids.input("x", 0.25);
        zh[1] = h.constant(1.5);
        zi[1] = ids.constant(1.5);
        for (int k = 2; k < n; k++) {
            int p = random.nextInt(k);
            int q = random.nextInt(k);
            switch (random.nextInt(6)) {
                case 0 -> {
                    Primitive f = Primitive.TANH;
                    zh[k] = h.apply(f, zh[p]);
                    zi[k] = ids.apply(f, zi[p]);
                }
                case 1 -> {
                    zh[k] = h.apply(Primitive.MUL, zh[p], zh[q]);
                    zi[k] = ids.apply(Primitive.MUL, zi[p], zi[q]);
                }
                case 2 -> {
                    zh[k] = h.pow(zh[p], 3);
                    zi[k] = ids.pow(zi[p], 3);
                }
                case 3 -> {
                    zh[k] = h.add(zh[p], 0.5);
                    zi[k] = ids.add(zi[p], 0.5);
                }
                case 4 -> {
                    zh[k] = h.mul(-0.75, zh[p]);
                    zi[k] = ids.mul(-0.75, zi[p]);
                }
                default -> {
                    double[] c = {0.5, -0.25};
                    zh[k] = h.weightedSum(1, c, zh[p], zh[q]);
                    zi[k] = ids.weightedSum(1, c, zi[p], zi[q]);
                }
            }
            assertEquals(zh[k].id(), zi[k]);
        }
        Program byHandles = h.output(zh[n - 1]).build();
        Program byIds = ids.output(zi[n - 1]).build();
        assertEquals(byHandles, byIds);
    }

    @Test
    void parameterisedPrimitivesGoThroughTheCheckedPath() {
        Program.Builder b = Program.builder();
        Program.Builder.Ids ids = b.ids();
        int x = ids.input("x", 2);
        IllegalArgumentException arity = assertThrows(IllegalArgumentException.class,
                () -> ids.apply(Primitive.MUL, x));
        assertTrue(arity.getMessage().contains("takes 2 arguments"), arity.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ids.apply(Primitive.POWC, x));
    }

    @Test
    void idsOutOfRangeAreRefused() {
        Program.Builder b = Program.builder();
        Program.Builder.Ids ids = b.ids();
        int x = ids.input("x", 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ids.apply(Primitive.SIN, x + 1));
        assertEquals("id 1 is not a variable of this builder (1 so far)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ids.apply(Primitive.ADD, x, -1));
        assertThrows(IllegalArgumentException.class, () -> ids.weightedSum(0, new double[] {1}, 7));
        assertThrows(IllegalArgumentException.class, () -> ids.weightedSum(0, new double[] {1, 2}, x));
        assertThrows(IllegalArgumentException.class, () -> ids.output(3));
        assertThrows(IllegalArgumentException.class, () -> ids.var(3));
    }

    @Test
    void theViewsMix() {
        Program.Builder b = Program.builder();
        Program.Builder.Ids ids = b.ids();
        Var x = b.input("x", 3);
        int sq = ids.pow(x.id(), 2);
        Var y = b.add(b.let("sq", ids.var(sq)), x);
        Program p = b.output(y).build();
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, p.inputDefaults(), z);
        assertEquals(12.0, z[p.objective()]);
        assertEquals(9.0, z[p.nodeNamed("sq")]);
        assertEquals(3, ids.size());
    }

    @Test
    void aSizeHintRecordsTheSameProgram() {
        assertThrows(IllegalArgumentException.class, () -> Program.builder(-1));
        Program[] programs = new Program[3];
        int[] hints = {-1, 0, 5000};
        for (int k = 0; k < 3; k++) {
            Program.Builder b = hints[k] < 0 ? Program.builder() : Program.builder(hints[k]);
            Var z = b.input("z", 0.1);
            for (int i = 0; i < 1000; i++) {
                z = b.weightedSum(0.5, new double[] {0.25, 0.5}, b.sin(z), z);
            }
            programs[k] = b.output(z).build();
        }
        assertEquals(2001, programs[0].size());
        assertEquals(programs[0], programs[1]);
        assertEquals(programs[0], programs[2]);
    }
}
