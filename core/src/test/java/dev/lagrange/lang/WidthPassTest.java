package dev.lagrange.lang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Program;
import org.junit.jupiter.api.Test;

/**
 * The width pass and the build pass: a vector used before its definition is declared with its width
 * at that use, in one width pass, whatever the order the file is written in.
 */
class WidthPassTest {
    private static Program parse(String source, int expectedPasses) {
        int[] passes = new int[1];
        Program p = LagParser.parse(source, "test.lag", passes);
        assertEquals(expectedPasses, passes[0], "passes over the file");
        return p;
    }

    @Test
    void programWithoutUseBeforeDefinitionIsReadOnce() {
        Program p = parse("input x = 2\ny = x * x\nz = sin(y)\noutput z\n", 1);
        assertEquals(Math.sin(4), Lag.value(p, "z"), 0);
    }

    @Test
    void scalarCycleIsReadOnce() {
        Program p = parse("input M = 1, e = 0.5\nE = M + e * sin(E)\noutput E\n", 1);
        assertEquals(1, p.width(p.nodeNamed("E")));
    }

    @Test
    void vectorCycleTakesOneWidthPassAndOneBuildPass() {
        Program p = parse(Lag.read("mdp-vector.lag"), 2);
        assertEquals(3, p.width(p.nodeNamed("v")));
    }

    /**
     * Twelve vectors, each defined below its use: one per pass were learned before (at most eight
     * passes, so this file was refused). J = 2^11 * sum(r + 1), dJ/dr_i = 2^11.
     */
    @Test
    void chainWrittenUpsideDownIsLearnedInOnePass() {
        StringBuilder s = new StringBuilder("input r[1..3] = [1, 2, 3]\nJ = sum(a1)\n");
        for (int k = 1; k < 12; k++) {
            s.append("a").append(k).append(" = 2 * a").append(k + 1).append('\n');
        }
        s.append("a12 = r + 1\noutput J\n");
        Program p = parse(s.toString(), 2);
        for (int k = 1; k <= 12; k++) {
            assertEquals(3, p.width(p.nodeNamed("a" + k)), "a" + k);
        }
        assertEquals(2048.0 * 9, Lag.value(p, "J"), 0);
        assertArrayEquals(new double[] {2048, 2048, 2048}, Lag.gradient(p), 0);
    }

    /**
     * A cycle c = r + 0.5 P d, d = 0.5 c whose width comes from the use P @ d inside it, below the
     * vectors that use it: the width pass reads c and d first, learns d's width from P @ d, reads c
     * again, then b and a. (Its solution against the closed form: solvers' UseBeforeDefinitionTest.)
     */
    @Test
    void cycleBelowItsUsesIsLearnedInOnePass() {
        String source = """
                input P[1..3, 1..3] = [0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.5, 0.0, 0.5]
                input r[1..3] = [1.0, 0.0, 2.0]
                J = sum(a)
                a = tanh(b)
                b = 2 * c
                c = r + 0.5 * P @ d
                d = 0.5 * c
                output J
                """;
        Program p = parse(source, 2);
        for (String name : new String[] {"a", "b", "c", "d"}) {
            assertEquals(3, p.width(p.nodeNamed(name)), name);
        }
        assertTrue(p.isVector(p.nodeNamed("d")));
    }

    @Test
    void twoVectorCycleThroughADefinedNameIsLearnedInOnePass() {
        String source = """
                input P[1..3, 1..3] = [0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.5, 0.0, 0.5]
                input r[1..3] = [1.0, 0.0, 2.0]
                a = 2 * b
                b = r + 0.5 * P @ c
                c = r + 0.5 * P @ a
                J = sum(a)
                output J
                """;
        Program p = parse(source, 2);
        assertEquals(3, p.width(p.nodeNamed("a")));
        assertEquals(3, p.width(p.nodeNamed("b")));
        assertEquals(3, p.width(p.nodeNamed("c")));
    }

    @Test
    void errorsOfTheBuildPassAreReportedOnceInSourceOrder() {
        String source = """
                input P[1..3, 1..3] = 0.1
                input q[1..2] = 1
                J = sum(a)
                a = tanh(b) + q
                b = 2 * c
                c = P @ c
                output J
                """;
        java.util.List<String> errors = Lag.errors(source);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("test.lag:4:"), errors.toString());
    }

    @Test
    void orderPutsDefinitionsBeforeUsesAndACycleInSourceOrder() {
        String source = "J = sum(a)\na = tanh(b)\nb = 2 * c\nc = r + P @ d\nd = 0.5 * c\ninput r[1..3], P[1..3, 1..3]\n";
        Lexer lex = new Lexer(source, new Diagnostics("test.lag", source));
        StatementOrder order = StatementOrder.of(lex);
        StringBuilder lines = new StringBuilder();
        for (int start : order.starts) {
            lines.append(lex.text(start)).append(' ');
        }
        assertEquals("input c d b a J ", lines.toString());
        assertTrue(order.forwardUses);
        String written = "input x\ny = x\nh[1] = y\nh[2] = h[1] + 1\noutput h[2]\n";
        Lexer inOrder = new Lexer(written, new Diagnostics("test.lag", written));
        assertEquals(false, StatementOrder.of(inOrder).forwardUses);
    }
}
