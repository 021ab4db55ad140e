package dev.lagrange.lang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every statement and expression form of the language, against the program the Java builder builds. */
class LagParserTest {
    private static Primitive primitiveOf(Program p, String name) {
        return p.primitive(p.nodeNamed(name));
    }

    private static double[] paramsOf(Program p, String name) {
        return p.parameters(p.nodeNamed(name));
    }

    @Test
    void aTopLevelPrimitiveIsTheNamedNodeAndABareNameIsACopy() {
        Program p = Lag.parse("input x = 1\na = exp(x)\ny = x\nz = (a)\noutput a, y, z\n");
        assertEquals(4, p.size());
        assertEquals(Primitive.EXP, primitiveOf(p, "a"));
        assertEquals(Primitive.IDENTITY, primitiveOf(p, "y"));
        assertEquals(Primitive.IDENTITY, primitiveOf(p, "z"));
        var b = Program.builder();
        Var x = b.input("x", 1);
        Var a = b.define("a", Primitive.EXP, new double[0], x);
        Var y = b.let("y", x);
        Var z = b.let("z", a);
        assertEquals(b.output(a, y, z).build(), p);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "x^2        | POWC         | 2",
        "x^-1       | POWC         | -1",
        "x^(1/4)    | POWC         | 0.25",
        "pow(x, 3)  | POWC         | 3",
        "2*x        | WEIGHTED_SUM | 0 2",
        "x*2        | WEIGHTED_SUM | 0 2",
        "x + 3      | WEIGHTED_SUM | 3 1",
        "3 + x      | WEIGHTED_SUM | 3 1",
        "x - 3      | WEIGHTED_SUM | -3 1",
        "3 - x      | WEIGHTED_SUM | 3 -1",
        "-2*x       | WEIGHTED_SUM | 0 -2",
        "2*3*x + 1  | WEIGHTED_SUM | 1 1",
        "-x         | NEG          | ''",
        "-x^2       | NEG          | ''",
        "x * y      | MUL          | ''",
        "x / y      | DIV          | ''",
        "x / 2      | DIV          | ''",
        "x + y      | ADD          | ''",
        "x - y      | SUB          | ''",
        "x ^ y      | POW          | ''",
        "pow(x, y)  | POW          | ''",
        "2 ^ x      | POW          | ''",
        "max(x, 0)  | MAX          | ''",
        "min(x, y)  | MIN          | ''",
        "exp(x)     | EXP          | ''",
        "log(x)     | LOG          | ''",
        "sin(x)     | SIN          | ''",
        "cos(x)     | COS          | ''",
        "tan(x)     | TAN          | ''",
        "tanh(x)    | TANH         | ''",
        "sigmoid(x) | SIGMOID      | ''",
        "sqrt(x)    | SQRT         | ''",
        "abs(x)     | ABS          | ''",
        "relu(x)    | RELU         | ''",
        "softplus(x)| SOFTPLUS     | ''",
        "wsum(1, 2, x, 3, y) | WEIGHTED_SUM | 1 2 3",
        "implicit(f, y)      | IMPLICIT     | ''",
    })
    void expressionsUseTheDedicatedPrimitives(String expr, Primitive f, String params) {
        Program p = Lag.parse("input x = 2, y = 3\nf = " + expr + "\noutput f\n");
        assertEquals(f, primitiveOf(p, "f"), expr);
        double[] expected = params.isBlank() ? new double[0]
                : java.util.Arrays.stream(params.trim().split(" +")).mapToDouble(Double::parseDouble).toArray();
        assertArrayEquals(expected, paramsOf(p, "f"), 0, expr);
    }

    @Test
    void operatorsFollowTheSpecPrecedence() {
        // -x^2 = -(x^2); ^ is right-associative; * before +; evaluated against Java arithmetic.
        Program p = Lag.parse("input x = 1.5, y = 0.5, z = 2\n"
                + "a = -x^2\nb = x^y^z\nc = x + y * z - z / y\nd = (x + y) * z\ne = 2^-x\ng = -(-x)\n"
                + "output a, b, c, d, e, g\n");
        double x = 1.5;
        double y = 0.5;
        double z = 2;
        assertEquals(-(x * x), Lag.value(p, "a"));
        assertEquals(Math.pow(x, Math.pow(y, z)), Lag.value(p, "b"), 1e-15);
        assertEquals(x + y * z - z / y, Lag.value(p, "c"), 1e-15);
        assertEquals((x + y) * z, Lag.value(p, "d"));
        assertEquals(Math.pow(2, -x), Lag.value(p, "e"), 1e-15);
        assertEquals(x, Lag.value(p, "g"));
        assertEquals(Primitive.NEG, primitiveOf(p, "g"));
    }

    @Test
    void constantSubexpressionsFold() {
        Program p = Lag.parse("input x = 1\na = sin(pi/6) * x\nb = 2^3\nc = max(1, 2) + exp(0) + NaN * 0\n"
                + "d = -Infinity\noutput a, b, c, d\n");
        assertArrayEquals(new double[] {0, Math.sin(Math.PI / 6)}, paramsOf(p, "a"));
        assertEquals(Primitive.IDENTITY, primitiveOf(p, "b"), "a constant is named by a copy");
        assertEquals(8, Lag.value(p, "b"));
        assertTrue(Double.isNaN(Lag.value(p, "c")));
        assertEquals(Double.NEGATIVE_INFINITY, Lag.value(p, "d"));
        assertEquals(8, p.size(), "x, a, b, 8, c, NaN, d, -Infinity");
    }

    @Test
    void inputsWithDefaultsAndIndexedRanges() {
        Program p = Lag.parse("input x = 0.5, y, w[1..3] = 0.1\ninput W[0..1][1..2] = -2 * 0.5\n"
                + "f = x + y\noutput f\n");
        String[] names = {"x", "y", "w[1]", "w[2]", "w[3]", "W[0][1]", "W[0][2]", "W[1][1]", "W[1][2]"};
        assertEquals(names.length, p.inputCount());
        for (int k = 0; k < names.length; k++) {
            assertEquals(names[k], p.name(p.input(k)));
        }
        assertEquals(0.5, p.inputDefault(0));
        assertTrue(Double.isNaN(p.inputDefault(1)), "an input without a value has NaN: given at solve time");
        assertEquals(0.1, p.inputDefault(3));
        assertEquals(-1, p.inputDefault(8));
    }

    @Test
    void anInputMayBeDeclaredAfterItsFirstUse() {
        Program p = Lag.parse("a = exp(x)\ninput x = 0\noutput a\n");
        assertEquals(1, p.inputCount());
        assertEquals(1, Lag.value(p, "a"));
    }

    @Test
    void forLoopsUnrollWithIntegerIndexArithmetic() {
        Program p = Lag.parse("input h[0] = 1\n"
                + "for t in 1..5 {\n  h[t] = h[t-1] * 2 + t / 10\n}\n"
                + "for i in 0..1 {\n  for j in i..2*i+1 {\n    w[2*i+j] = h[i+j] + j\n  }\n}\n"
                + "for k in 1..0 { never = k }\n"
                + "for k in 1..2 { q[k] = k }\n"
                + "output h[5], w[0], w[1], w[4], w[5], q[2]\n");
        double h = 1;
        for (int t = 1; t <= 5; t++) {
            h = h * 2 + t / 10.0;
            assertArrayEquals(new double[] {t / 10.0, 1}, paramsOf(p, "h[" + t + "]"),
                    "a loop variable outside brackets is a real number");
        }
        assertEquals(h, Lag.value(p, "h[5]"), 1e-15);
        assertEquals(1, Lag.value(p, "w[0]"), "i = 0, j = 0: h[0]");
        assertEquals(Lag.value(p, "h[1]") + 1, Lag.value(p, "w[1]"), 1e-15);
        assertEquals(Lag.value(p, "h[3]") + 2, Lag.value(p, "w[4]"), 1e-15, "i = 1, j = 2");
        assertEquals(Lag.value(p, "h[4]") + 3, Lag.value(p, "w[5]"), 1e-15, "i = 1, j = 3");
        assertEquals(-1, p.nodeNamed("never"), "an empty range unrolls to nothing");
        assertEquals(2, Lag.value(p, "q[2]"));
    }

    @Test
    void sumIsOneWeightedSumOverItsTerms() {
        Program p = Lag.parse("input x[1..3] = 2, w[1..3] = 3\n"
                + "a = sum(i in 1..3: w[i] * x[i])\n"
                + "b = sum(i in 1..3: i * x[i] + 0) \n"
                + "c = sum(i in 1..3: i * x[i])\n"
                + "d = sum(i in 1..4: i)\n"
                + "e = sum(i in 2..1: x[i])\n"
                + "g = sum(i in 1..2: sum(j in i..2: x[j] * j))\n"
                + "output a, b, c, d, e, g\n");
        assertEquals(Primitive.WEIGHTED_SUM, primitiveOf(p, "a"));
        assertArrayEquals(new double[] {0, 1, 1, 1}, paramsOf(p, "a"));
        assertEquals(18, Lag.value(p, "a"));
        assertArrayEquals(new double[] {0, 1, 1, 1}, paramsOf(p, "b"), "x + 0 terms are temporaries");
        assertArrayEquals(new double[] {0, 1, 2, 3}, paramsOf(p, "c"), "a term c * z contributes its coefficient");
        assertEquals(12, Lag.value(p, "c"));
        assertEquals(10, Lag.value(p, "d"));
        assertEquals(0, Lag.value(p, "e"));
        assertEquals(2 * 1 + 2 * 2 + 2 * 2, Lag.value(p, "g"));
    }

    @Test
    void solveBlockDefinesEachUnknownImplicitly() {
        Program p = Lag.parse("input r = 2\nsolve u, v {\n  u^2 + v^2 = r\n  v = 0.5 * u\n}\n"
                + "solve s { s^3 - 2 = 0 }\noutput u\n");
        var b = Program.builder();
        Var r = b.input("r", 2);
        Var u = b.declare("u");
        Var v = b.declare("v");
        Var g1 = b.sub(b.add(b.pow(u, 2), b.pow(v, 2)), r);
        b.define("u", Primitive.IMPLICIT, new double[0], u, g1);
        Var g2 = b.sub(v, b.mul(0.5, u));
        b.define("v", Primitive.IMPLICIT, new double[0], v, g2);
        Var s = b.declare("s");
        Var g3 = b.weightedSum(-2, new double[] {1}, b.pow(s, 3));
        b.define("s", Primitive.IMPLICIT, new double[0], s, g3);
        assertEquals(b.output(u).build(), p, "rhs 0 leaves g = lhs");
        assertFalse(p.isAcyclic(), "a solve block is a cyclic block, rejected or solved later, not a parse error");
    }

    @Test
    void initMayStandBeforeOrAfterTheDefinitions() {
        Program p = Lag.parse("init E = 1\ninput M = 1, e = 0.5\nE = M + e * sin(E)\nz = cos(z)\n"
                + "init z = 0.5, u[2] = 3\nu[2] = z\noutput E\n");
        assertEquals(1, p.initialValue(p.nodeNamed("E")));
        assertEquals(0.5, p.initialValue(p.nodeNamed("z")));
        assertEquals(3, p.initialValue(p.nodeNamed("u[2]")));
        assertEquals(0, p.initialValue(p.nodeNamed("M")), "default 0");
        assertEquals(2, p.blocks().cyclicCount());
    }

    @Test
    void namesMayBeUsedBeforeTheirDefinitionToWriteCycles() {
        Program p = Lag.parse("input r1 = 1, r2 = 2\nv1 = r1 + 0.9 * v2\nv2 = r2 + 0.5 * v1\noutput v1\n");
        assertEquals(1, p.blocks().cyclicCount());
        int v1 = p.nodeNamed("v1");
        assertEquals(p.blocks().cyclicBlockOf(v1), p.blocks().cyclicBlockOf(p.nodeNamed("v2")));
    }

    @Test
    void outputsInOrderTheFirstIsTheObjective() {
        Program p = Lag.parse("input x = 1\na = x + 1\nb = x * 3\noutput b\noutput a, x\n");
        assertEquals(3, p.outputCount());
        assertEquals(p.nodeNamed("b"), p.objective());
        assertEquals(p.nodeNamed("x"), p.output(2));
    }

    @Test
    void commentsBlankLinesAndOneLineBlocks() {
        Program p = Lag.parse("# header\n\n   \ninput x = 1 # trailing\n\n"
                + "for i in 1..2 { a[i] = i * x }   # one line\nsolve u { u = x }\r\n\toutput a[2]   \n# end");
        assertEquals(2, Lag.value(p, "a[2]"));
        assertEquals(Primitive.IMPLICIT, primitiveOf(p, "u"));
    }

    @Test
    void quotedNamesTemporariesAndDeclare() {
        Program p = Lag.parse("declare `my var`, %9\ninput %9 = 2\n%4 = 3.5\n%5 = %9 * %4\n"
                + "`my var` = %5 + 1\n`exp` = -`my var`\noutput `exp`\n");
        int in = p.input(0);
        assertNull(p.name(in), "%9 is an unnamed input");
        assertEquals(2, p.inputDefault(0));
        int v = p.nodeNamed("my var");
        int product = p.arguments(v)[0];
        assertEquals(Primitive.MUL, p.primitive(product), "a constant node by its label is not folded");
        assertEquals(Primitive.CONSTANT, p.primitive(p.arguments(product)[1]),
                "a temporary assigned a number is that constant");
        assertEquals(8, Lag.value(p, "my var"));
        assertEquals(-8, Lag.value(p, "exp"));
    }

    @Test
    void quotedNamesTakeEscapes() {
        Program p = Lag.parse("input `a\\`b\\\\c\\n\\u0001` = 1\noutput `a\\`b\\\\c\\n\\u0001`\n");
        assertEquals("a`b\\c\n\u0001", p.name(0));
    }

    @Test
    void parsesAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.lag");
        Files.writeString(file, "input x\noutput y\n");
        LagException e = org.junit.jupiter.api.Assertions.assertThrows(LagException.class, () -> LagParser.parse(file));
        assertEquals(file + ":2:8: error: undefined name 'y'", e.diagnostics().get(0).toString());
        assertEquals(e.getMessage(), e.diagnostics().get(0).toString());
    }
}
