package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The strongly connected components and the evaluation order, against the definition of an SCC
 * (mutual reachability, from a transitive closure) on hand-made and random graphs.
 */
class CondensationTest {
    private static final double[] NONE = new double[0];

    @Test
    void selfLoopIsACyclicBlockOfOne() {
        var b = Program.builder();
        Var x = b.input("x");
        Var z = b.declare("z");
        b.define("z", Primitive.COS, NONE, z);
        Program p = b.output(b.add(z, x)).build();
        Condensation c = p.blocks();
        assertEquals(1, c.cyclicCount());
        int iz = p.node(z);
        assertEquals(iz, c.cyclicStart(0));
        assertEquals(iz + 1, c.cyclicEnd(0));
        assertEquals(0, c.cyclicBlockOf(iz));
        assertEquals(-1, c.cyclicBlockOf(p.node(x)));
        assertFalse(p.isAcyclic());
        checkOrder(p, "self-loop");
    }

    @Test
    void mutualCycleBetweenAcyclicRuns() {
        // v1 = r1 + 0.9 v2 and v2 = r2 + 0.9 v1, with v2 used before it is defined.
        var b = Program.builder();
        Var r1 = b.input("r1");
        Var r2 = b.input("r2");
        Var v2 = b.declare("v2");
        Var v1 = b.define("v1", Primitive.WEIGHTED_SUM, new double[] {0, 1, 0.9}, r1, v2);
        b.define("v2", Primitive.WEIGHTED_SUM, new double[] {0, 1, 0.9}, r2, v1);
        Var out = b.let("out", b.mul(v1, v2));
        Program p = b.output(out).build();
        Condensation c = p.blocks();
        assertEquals(1, c.cyclicCount());
        assertEquals(Set.of("v1", "v2"), names(p, c.cyclicStart(0), c.cyclicEnd(0)));
        assertEquals(3, c.segmentCount());
        assertFalse(c.segmentIsCyclic(0));
        assertTrue(c.segmentIsCyclic(1));
        assertFalse(c.segmentIsCyclic(2));
        assertEquals(Set.of("r1", "r2"), names(p, c.segmentStart(0), c.segmentEnd(0)));
        assertEquals(Set.of("out"), names(p, c.segmentStart(2), c.segmentEnd(2)));
        checkOrder(p, "mutual cycle");
    }

    @Test
    void severalComponentsDeclaredBackwards() {
        // x -> {a1, a2} -> m -> {b} (self-loop) -> {c1, c2, c3} -> out, every name declared in
        // reverse so that the builder's order is the opposite of an evaluation order.
        var b = Program.builder();
        Var out = b.declare("out");
        Var c3 = b.declare("c3");
        Var c2 = b.declare("c2");
        Var c1 = b.declare("c1");
        Var bb = b.declare("b");
        Var m = b.declare("m");
        Var a2 = b.declare("a2");
        Var a1 = b.declare("a1");
        Var x = b.input("x");
        b.define("out", Primitive.ADD, NONE, c1, m);
        b.define("c3", Primitive.MUL, NONE, c1, bb);
        b.define("c2", Primitive.SIN, NONE, c3);
        b.define("c1", Primitive.ADD, NONE, c2, x);
        b.define("b", Primitive.ADD, NONE, bb, m);
        b.define("m", Primitive.TANH, NONE, a2);
        b.define("a2", Primitive.SUB, NONE, a1, x);
        b.define("a1", Primitive.COS, NONE, a2);
        Program p = b.output(out).build();
        Condensation c = p.blocks();
        assertEquals(3, c.cyclicCount());
        assertEquals(Set.of("a1", "a2"), names(p, c.cyclicStart(0), c.cyclicEnd(0)));
        assertEquals(Set.of("b"), names(p, c.cyclicStart(1), c.cyclicEnd(1)));
        assertEquals(Set.of("c1", "c2", "c3"), names(p, c.cyclicStart(2), c.cyclicEnd(2)));
        boolean[] expected = {false, true, false, true, true, false};
        assertEquals(expected.length, c.segmentCount());
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], c.segmentIsCyclic(k), "segment " + k);
        }
        assertEquals(p.node(x), 0);
        assertEquals(p.node(out), p.size() - 1);
        for (Var v : List.of(out, c3, c2, c1, bb, m, a2, a1, x)) {
            assertEquals(v.name(), p.name(p.node(v)), "Program.node maps the handle of " + v);
            assertEquals(p.nodeNamed(v.name()), p.node(v));
        }
        checkOrder(p, "several components");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void randomGraphsAgreeWithMutualReachability(long seed) {
        Random random = new Random(seed);
        int n = 2 + random.nextInt(30);
        var b = Program.builder();
        Var x = b.input("x");
        List<Integer> declared = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            declared.add(i);
        }
        Collections.shuffle(declared, random);
        Var[] byIndex = new Var[n];
        for (int i : declared) {
            byIndex[i] = b.declare("v" + i);
        }
        boolean[][] reads = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            int arity = random.nextInt(4);
            Var[] args = new Var[arity + 1];
            double[] c = new double[arity + 2];
            args[0] = x;
            for (int k = 1; k <= arity; k++) {
                // Mostly backward edges, so that graphs hold both acyclic runs and cycles.
                int j = random.nextInt(5) == 0 ? random.nextInt(n) : random.nextInt(i + 1);
                args[k] = byIndex[j];
                reads[i][j] = true;
            }
            b.define("v" + i, Primitive.WEIGHTED_SUM, c, args);
        }
        Program p = b.output(byIndex[n - 1]).build();
        boolean[][] reach = closure(reads);
        String where = "seed " + seed;
        Condensation c = p.blocks();
        for (int i = 0; i < n; i++) {
            int node = p.node(byIndex[i]);
            assertEquals("v" + i, p.name(node), where);
            boolean cyclic = reach[i][i];
            int block = c.cyclicBlockOf(node);
            assertEquals(cyclic, block >= 0, where + ": v" + i + " is on a cycle iff it is in a cyclic block");
            for (int j = 0; j < n; j++) {
                boolean sameComponent = i == j || reach[i][j] && reach[j][i];
                int other = p.node(byIndex[j]);
                boolean sameBlock = block >= 0 && c.cyclicBlockOf(other) == block;
                if (i != j || cyclic) {
                    assertEquals(sameComponent, sameBlock, where + ": v" + i + " and v" + j);
                }
            }
        }
        checkOrder(p, where);
    }

    @Test
    void longChainDeclaredBackwardsNeedsNoDeepStack() {
        int n = 1_000_000;
        var b = Program.builder();
        Var x = b.input("x");
        Var[] z = new Var[n];
        // Declared last-first: depth-first search from the first builder node walks the whole chain.
        for (int i = n - 1; i >= 0; i--) {
            z[i] = b.declare("z" + i);
        }
        b.define("z0", Primitive.SIN, NONE, x);
        for (int i = 1; i < n; i++) {
            b.define("z" + i, Primitive.SIN, NONE, z[i - 1]);
        }
        Program p = b.output(z[n - 1]).build();
        assertTrue(p.isAcyclic());
        assertEquals(1, p.blocks().segmentCount());
        for (int i = 0; i < n; i++) {
            assertEquals(i + 1, p.node(z[i]), "z" + i + " follows its argument");
        }
        double[] values = new double[p.slotCount()];
        Sweeps.forward(p, new double[] {1}, values);
        double expected = 1;
        for (int i = 0; i < n; i++) {
            expected = Math.sin(expected);
        }
        assertEquals(expected, values[p.objective()], 0.0);
    }

    @Test
    void longCycleIsOneBlock() {
        int n = 200_000;
        var b = Program.builder();
        Var x = b.input("x");
        Var last = b.declare("z" + (n - 1));
        Var prev = b.define("z0", Primitive.ADD, NONE, last, x);
        for (int i = 1; i < n - 1; i++) {
            prev = b.define("z" + i, Primitive.SIN, NONE, prev);
        }
        b.define("z" + (n - 1), Primitive.SIN, NONE, prev);
        Program p = b.output(last).build();
        assertEquals(1, p.blocks().cyclicCount());
        assertEquals(1, p.blocks().cyclicStart(0));
        assertEquals(n + 1, p.blocks().cyclicEnd(0));
    }

    /**
     * The evaluation-order invariants: a node outside cyclic blocks reads only earlier nodes; a
     * node of a cyclic block reads its block or earlier nodes; segments tile [0, n) and alternate
     * so that no two acyclic runs touch.
     */
    static void checkOrder(Program p, String where) {
        Condensation c = p.blocks();
        int at = 0;
        for (int k = 0; k < c.segmentCount(); k++) {
            assertEquals(at, c.segmentStart(k), where + ": segments tile the nodes");
            assertTrue(c.segmentEnd(k) > at, where + ": segment " + k + " is empty");
            if (k > 0) {
                assertTrue(c.segmentIsCyclic(k) || c.segmentIsCyclic(k - 1), where + ": adjacent acyclic segments");
            }
            at = c.segmentEnd(k);
        }
        assertEquals(p.size(), at, where);
        for (int i = 0; i < p.size(); i++) {
            int block = c.cyclicBlockOf(i);
            int first = block < 0 ? i : c.cyclicStart(block);
            int end = block < 0 ? i : c.cyclicEnd(block);
            for (int a : p.arguments(i)) {
                assertTrue(a < first || a >= first && a < end,
                        where + ": node " + p.label(i) + " (" + i + ") reads " + p.label(a) + " (" + a + ")");
            }
        }
    }

    private static Set<String> names(Program p, int from, int to) {
        Set<String> s = new HashSet<>();
        for (int i = from; i < to; i++) {
            s.add(p.label(i));
        }
        return s;
    }

    /** Floyd-Warshall's transitive closure of "reads", O(n^3). */
    private static boolean[][] closure(boolean[][] reads) {
        int n = reads.length;
        boolean[][] r = new boolean[n][];
        for (int i = 0; i < n; i++) {
            r[i] = reads[i].clone();
        }
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                if (r[i][k]) {
                    for (int j = 0; j < n; j++) {
                        r[i][j] |= r[k][j];
                    }
                }
            }
        }
        return r;
    }
}
