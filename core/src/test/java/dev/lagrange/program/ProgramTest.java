package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The program model: the builder's validation, arguments and users, structural equality. */
class ProgramTest {
    private static final double[] NONE = new double[0];

    @Test
    void assignedTwiceIsNamed() {
        var b = Program.builder();
        Var x = b.input("x");
        b.let("y", b.exp(x));
        ProgramException e = assertThrows(ProgramException.class, () -> b.define("y", Primitive.SIN, NONE, x));
        assertEquals(List.of("y"), e.names());
        assertTrue(e.getMessage().contains("'y'"), e.getMessage());

        ProgramException input = assertThrows(ProgramException.class, () -> b.input("x"));
        assertEquals(List.of("x"), input.names());

        Var u = b.declare("u");
        b.define("u", Primitive.COS, NONE, x);
        ProgramException twice = assertThrows(ProgramException.class, () -> b.define("u", Primitive.COS, NONE, x));
        assertEquals(List.of("u"), twice.names());
        assertEquals("u", u.name());
    }

    @Test
    void declaredButNeverDefinedIsNamed() {
        var b = Program.builder();
        Var x = b.input("x");
        Var u = b.declare("u");
        Var v = b.declare("v");
        b.output(b.add(b.mul(x, u), v));
        ProgramException e = assertThrows(ProgramException.class, b::build);
        assertEquals(List.of("u", "v"), e.names());
        assertTrue(e.getMessage().contains("u") && e.getMessage().contains("v"), e.getMessage());
    }

    @Test
    void aProgramNeedsAnOutput() {
        var b = Program.builder();
        b.exp(b.input("x"));
        ProgramException e = assertThrows(ProgramException.class, b::build);
        assertTrue(e.getMessage().contains("no output"), e.getMessage());
        var c = Program.builder();
        Program p = c.output(c.constant(1)).build();
        assertThrows(IllegalArgumentException.class, () -> p.withOutputs());
    }

    @Test
    void misuseIsAnIllegalArgument() {
        var b = Program.builder();
        Var x = b.input("x");
        assertThrows(IllegalArgumentException.class, () -> b.apply(Primitive.ADD, x));
        assertThrows(IllegalArgumentException.class, () -> b.apply(Primitive.EXP, x, x));
        assertThrows(IllegalArgumentException.class, () -> b.apply(Primitive.POWC, NONE, x));
        assertThrows(IllegalArgumentException.class, () -> b.apply(Primitive.EXP, new double[] {2}, x));
        assertThrows(IllegalArgumentException.class, () -> b.apply(Primitive.INPUT, x));
        assertThrows(IllegalArgumentException.class, () -> b.weightedSum(0, new double[] {1, 2}, x));
        assertThrows(IllegalArgumentException.class, () -> b.apply(Primitive.WEIGHTED_SUM, new double[] {1}, x));
        var other = Program.builder();
        Var foreign = other.input("x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.exp(foreign));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.output(foreign));
        assertThrows(IllegalArgumentException.class, () -> b.init(foreign, 1));
        assertThrows(IllegalArgumentException.class, () -> b.exp(null));
    }

    @Test
    void argumentsAndUsers() {
        var b = Program.builder();
        Var x = b.input("x");
        Var y = b.input("y");
        Var sq = b.let("sq", b.mul(x, x));
        Var s = b.let("s", b.add(sq, y));
        Var t = b.let("t", b.weightedSum(1, new double[] {2, 3, 4}, x, s, x));
        Program p = b.output(t, s).build();
        int ix = p.node(x);
        int iy = p.node(y);
        int isq = p.node(sq);
        int is = p.node(s);
        int it = p.node(t);
        assertArrayEquals(new int[0], p.arguments(ix));
        assertArrayEquals(new int[] {ix, ix}, p.arguments(isq), "alpha keeps repeated arguments");
        assertArrayEquals(new int[] {isq, iy}, p.arguments(is));
        assertArrayEquals(new int[] {ix, is, ix}, p.arguments(it));
        assertArrayEquals(new double[] {1, 2, 3, 4}, p.parameters(it));
        assertArrayEquals(new int[] {isq, it}, p.users(ix), "beta lists each user once, ascending");
        assertArrayEquals(new int[] {is}, p.users(iy));
        assertArrayEquals(new int[] {it}, p.users(is));
        assertArrayEquals(new int[0], p.users(it));
        assertEquals(2, p.outputCount());
        assertEquals(it, p.objective());
        assertEquals(is, p.output(1));
        assertEquals(0, p.inputIndex(ix));
        assertEquals(1, p.inputIndex(iy));
        assertEquals(-1, p.inputIndex(is));
        assertEquals(Primitive.WEIGHTED_SUM, p.primitive(it));
        assertEquals(is, p.nodeNamed("s"));
        assertEquals(-1, p.nodeNamed("nothing"));
        for (int i = 0; i < p.size(); i++) {
            assertEquals(1, p.width(i));
            assertEquals(i, p.nodeOf(p.slot(i)));
        }
    }

    @Test
    void constantsAreShared() {
        var b = Program.builder();
        Var x = b.input("x");
        assertEquals(b.constant(2.5).id(), b.constant(2.5).id());
        assertNotEquals(b.constant(0.0).id(), b.constant(-0.0).id(), "0 and -0 are different constants");
        Program p = b.output(b.mul(x, b.constant(2.5))).build();
        assertEquals(Primitive.CONSTANT, p.primitive(p.arguments(p.objective())[1]));
    }

    @Test
    void structuralEquality() {
        Program p = sample(2.0, 0.5);
        Program q = sample(2.0, 0.5);
        assertEquals(p, q);
        assertEquals(p.hashCode(), q.hashCode());
        assertNotEquals(p, sample(3.0, 0.5), "another constant");
        assertNotEquals(p, sample(2.0, 0.25), "another input default");
        assertNotEquals(p, p.withOutputs(p.input(0)));
        assertEquals(p, p.withInputDefaults(0.5));
        assertNotEquals(p, p.withInputDefaults(Double.NaN));
        assertNotEquals(p, null);
        assertNotEquals(p, "a program");
    }

    private static Program sample(double c, double x0) {
        var b = Program.builder();
        Var x = b.input("x", x0);
        Var y = b.let("y", b.sin(b.mul(x, b.constant(c))));
        return b.output(b.add(y, x)).build();
    }
}
