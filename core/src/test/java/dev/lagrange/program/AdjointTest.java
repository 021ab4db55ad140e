package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.lang.LagParser;
import dev.lagrange.primitive.Domain;
import dev.lagrange.primitive.Primitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adjoint program computes the gradient: its outputs, evaluated by substitution, equal the input
 * multipliers of back-substitution on the original program (bit for bit, since each partial is
 * spelled with the same operations) and agree with forward mode (an independent method) and with
 * closed forms.
 */
class AdjointTest {
    /** Domke's f(x) = exp(exp(x) + exp(x)^2) + sin(exp(x) + exp(x)^2), as the seed writes it. */
    static Program domke(double x0) {
        String source = "input x = " + x0 + "\na = exp(x)\nb = a^2\nc = a + b\nd = exp(c)\ne = sin(c)\n"
                + "f = d + e\noutput f\n";
        return LagParser.parse(source, "seed.lag");
    }

    /** The values of every node of an acyclic program at its inputs' defaults (or at x). */
    static double[] evaluate(Program p, double[] x) {
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, x, z);
        return z;
    }

    /** Back-substitution's multipliers of an acyclic program, from the seed e_n. */
    static double[] multipliers(Program p, double[] z) {
        double[] lambda = new double[p.slotCount()];
        lambda[p.slot(p.objective())] = 1;
        Sweeps.reverse(p, z, lambda, lambda, 0, p.size());
        return lambda;
    }

    /** The adjoint program's outputs at x; every value on the way is finite, as solvers require. */
    static double[] adjointGradient(Program adjoint, double[] x) {
        double[] z = evaluate(adjoint, x);
        int bad = Sweeps.firstNonFinite(adjoint, z, 0, adjoint.size());
        assertEquals(-1, bad, () -> "'" + adjoint.label(bad) + "' is " + z[adjoint.slot(bad)]);
        double[] g = new double[adjoint.outputCount()];
        for (int k = 0; k < g.length; k++) {
            g[k] = z[adjoint.slot(adjoint.output(k))];
        }
        return g;
    }

    @ParameterizedTest
    @CsvSource({
        "0.0, 20.91872778715052",
        "0.5, 555.9719679015081",
        "1.0, 429038.1354937981",
    })
    void domkeGradientMatchesTheClosedForm(double x, double dfdx) {
        Program q = Adjoint.of(domke(x));
        double[] z = evaluate(q, new double[] {x});
        assertEquals(dfdx, z[q.slot(q.nodeNamed("grad_x"))], 4e-15 * Math.abs(dfdx));
        assertEquals(1.0, z[q.slot(q.nodeNamed("lambda_f"))]);
        assertEquals(1.0, z[q.slot(q.nodeNamed("lambda_d"))]);
        assertEquals(1.0, z[q.slot(q.nodeNamed("lambda_e"))]);
        if (x == 0.5) {
            assertEquals(78.46854058534002, z[q.slot(q.nodeNamed("lambda_c"))], 1e-13);
            assertEquals(78.46854058534002, z[q.slot(q.nodeNamed("lambda_b"))], 1e-13);
            assertEquals(337.2140444730328, z[q.slot(q.nodeNamed("lambda_a"))], 1e-12);
        }
    }

    @Test
    void domkeAdjointHasTheSeedsShape() {
        Program p = domke(0.5);
        Program q = Adjoint.of(p);
        assertEquals(1, q.inputCount());
        assertEquals("x", q.name(q.input(0)));
        assertEquals(0.5, q.inputDefault(0));
        assertEquals(1, q.outputCount());
        assertEquals("grad_x", q.name(q.output(0)));
        for (String v : new String[] {"a", "b", "c", "d", "e", "f"}) {
            assertTrue(q.nodeNamed(v) >= 0, v);
            assertTrue(q.nodeNamed("lambda_" + v) > q.nodeNamed("f"), "lambda_" + v + " after the forward statements");
        }
        // One statement per multiplier in reverse order.
        assertTrue(q.nodeNamed("lambda_f") < q.nodeNamed("lambda_e"));
        assertTrue(q.nodeNamed("lambda_e") < q.nodeNamed("lambda_d"));
        assertTrue(q.nodeNamed("lambda_c") < q.nodeNamed("lambda_b"));
        assertTrue(q.nodeNamed("lambda_a") < q.nodeNamed("grad_x"));
        // lambda_c = lambda_e * cos(c) + lambda_d * d: an addition of two products.
        int lc = q.nodeNamed("lambda_c");
        assertEquals(Primitive.ADD, q.primitive(lc));
        int[] terms = q.arguments(lc);
        assertEquals(Primitive.MUL, q.primitive(terms[0]));
        assertEquals(List.of(q.nodeNamed("lambda_e")), List.of(q.arguments(terms[0])[0]));
        assertEquals(Primitive.COS, q.primitive(q.arguments(terms[0])[1]));
        assertEquals(q.nodeNamed("lambda_d"), q.arguments(terms[1])[0]);
        assertEquals(q.nodeNamed("d"), q.arguments(terms[1])[1]);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void randomProgramsMatchBackSubstitutionAndForwardMode(long seed) {
        Program p = randomProgram(new Random(seed), 40, 3);
        Program q = Adjoint.of(p);
        double[] x = p.inputDefaults();
        double[] z = evaluate(p, x);
        double[] lambda = multipliers(p, z);
        double[] g = adjointGradient(q, x);
        double[] forward = GradientCheck.of(p).forwardMode(x);
        assertEquals(p.inputCount(), q.outputCount(), "seed " + seed);
        for (int k = 0; k < g.length; k++) {
            double expected = lambda[p.slot(p.input(k))];
            assertEquals(expected, g[k], 0, "seed " + seed + ", input " + k + ": back-substitution");
            assertEquals(forward[k], g[k], 1e-12 * Math.max(1, Math.abs(forward[k])),
                    "seed " + seed + ", input " + k + ": forward mode");
        }
        // Every named multiplier matches too.
        double[] zq = evaluate(q, x);
        for (int i = 0; i < p.size(); i++) {
            if (p.name(i) != null && p.primitive(i) != Primitive.INPUT) {
                int j = q.nodeNamed("lambda_" + p.name(i));
                assertEquals(lambda[p.slot(i)], zq[q.slot(j)], 0, "seed " + seed + ", lambda_" + p.name(i));
            }
        }
    }

    /** Every primitive, in a program of its own, against back-substitution and forward mode. */
    @ParameterizedTest
    @EnumSource(value = Primitive.class, names = {"INPUT", "CONSTANT", "IMPLICIT"}, mode = EnumSource.Mode.EXCLUDE)
    void everyPrimitive(Primitive f) {
        double[][] points = {{0.7, 1.3}, {1.9, 0.4}, {0.3, 0.3}, {1.1, 2.5}};
        for (double[] x : points) {
            var b = Program.builder();
            Var u = b.input("u", x[0]);
            Var v = b.input("v", x[1]);
            Var w;
            if (f == Primitive.WEIGHTED_SUM) {
                w = b.weightedSum(0.5, new double[] {2, -3}, u, v);
            } else if (f == Primitive.POWC) {
                w = b.pow(u, 3.5);
            } else if (f.arity() == 2) {
                w = b.apply(f, new double[0], u, v);
            } else {
                w = b.apply(f, new double[0], u);
            }
            // A second use of each argument, so multipliers sum over several users.
            Var out = b.let("out", b.mul(w, b.add(u, b.sin(v))));
            Program p = b.output(out).build();
            double[] g = adjointGradient(Adjoint.of(p), x);
            double[] lambda = multipliers(p, evaluate(p, x));
            double[] forward = GradientCheck.of(p).forwardMode(x);
            for (int k = 0; k < 2; k++) {
                String where = f + " at " + x[0] + ", " + x[1] + ", input " + k;
                assertEquals(lambda[p.slot(p.input(k))], g[k], 0, where);
                assertEquals(forward[k], g[k], 1e-13 * Math.max(1, Math.abs(forward[k])), where);
            }
        }
    }

    /** At kinks the adjoint program keeps the primitives' conventions exactly. */
    @ParameterizedTest
    @CsvSource({
        "abs, 0, 0", "relu, 0, 0",
        "abs, 2.5, 1", "abs, -2.5, -1", "relu, 2.5, 1", "relu, -2.5, 0",
        "abs, 4.9E-324, 1", "abs, -4.9E-324, -1", "relu, 4.9E-324, 1", "abs, 1e308, 1", "relu, -1e308, 0",
    })
    void kinksOfUnaryPrimitives(String name, double t, double expected) {
        Primitive f = name.equals("abs") ? Primitive.ABS : Primitive.RELU;
        var b = Program.builder();
        Var x = b.input("x", t);
        Program p = b.output(b.let("y", b.apply(f, new double[0], x))).build();
        assertEquals(expected, adjointGradient(Adjoint.of(p), new double[] {t})[0]);
        assertEquals(expected, multipliers(p, evaluate(p, new double[] {t}))[p.slot(p.input(0))]);
    }

    @ParameterizedTest
    @CsvSource({
        "max, 1, 1, 1, 0", "min, 1, 1, 1, 0",
        "max, 2, 1, 1, 0", "max, 1, 2, 0, 1", "min, 2, 1, 0, 1", "min, 1, 2, 1, 0",
        "max, 1, 1.0000000000000002, 0, 1", "min, 1, 1.0000000000000002, 1, 0",
        "max, 0, 4.9E-324, 0, 1", "min, -4.9E-324, 0, 1, 0", "max, -1e307, 1e308, 0, 1",
    })
    void tiesAndNearTiesOfMaxAndMin(String name, double u, double v, double du, double dv) {
        Primitive f = name.equals("max") ? Primitive.MAX : Primitive.MIN;
        var b = Program.builder();
        Var x = b.input("x", u);
        Var y = b.input("y", v);
        Program p = b.output(b.let("m", b.apply(f, new double[0], x, y))).build();
        double[] g = adjointGradient(Adjoint.of(p), new double[] {u, v});
        assertEquals(du, g[0], name + "(" + u + ", " + v + ")");
        assertEquals(dv, g[1], name + "(" + u + ", " + v + ")");
    }

    @Test
    void maxOfAVariableWithItselfSendsEverythingToTheFirstArgument() {
        var b = Program.builder();
        Var x = b.input("x", 3);
        Var m = b.let("m", b.max(x, x));
        Program p = b.output(m).build();
        assertEquals(1.0, adjointGradient(Adjoint.of(p), new double[] {3})[0]);
    }

    @Test
    void unusedVariablesGetZeroAndUnusedInputsAZeroGradient() {
        var b = Program.builder();
        Var x = b.input("x", 2);
        Var y = b.input("y", 5);
        Var side = b.let("side", b.exp(y));
        Var f = b.let("f", b.mul(x, x));
        Program p = b.output(f, side).build();
        Program q = Adjoint.of(p);
        double[] z = evaluate(q, new double[] {2, 5});
        assertEquals(4.0, z[q.slot(q.nodeNamed("grad_x"))]);
        assertEquals(0.0, z[q.slot(q.nodeNamed("grad_y"))]);
        assertEquals(0.0, z[q.slot(q.nodeNamed("lambda_side"))]);
        assertEquals(2, q.outputCount());
    }

    @Test
    void theObjectiveMayFeedOtherVariables() {
        // f = x^2 is the objective; g = 3 f reads it but is not the objective: lambda_f = 1.
        var b = Program.builder();
        Var x = b.input("x", 1.5);
        Var f = b.let("f", b.pow(x, 2));
        Var g = b.let("g", b.mul(3, f));
        Program p = b.output(f, g).build();
        assertEquals(3.0, adjointGradient(Adjoint.of(p), new double[] {1.5})[0]);
        Program fromG = p.withOutputs(p.nodeNamed("g"));
        assertEquals(9.0, adjointGradient(Adjoint.of(fromG), new double[] {1.5})[0]);
    }

    @Test
    void takenNamesGetASuffix() {
        var b = Program.builder();
        Var x = b.input("x", 1);
        Var grad = b.let("grad_x", b.exp(x));
        Var l = b.let("lambda_grad_x", b.sin(grad));
        Var h = b.let("h[2]", b.add(l, x));
        b.let("lambda_h[2]", b.mul(2, x));
        Program p = b.output(h).build();
        Program q = Adjoint.of(p);
        assertEquals("grad_x_1", q.name(q.output(0)));
        assertTrue(q.nodeNamed("lambda_grad_x_1") >= 0);
        assertTrue(q.nodeNamed("lambda_h_1[2]") >= 0);
        double expected = Math.cos(Math.exp(1)) * Math.exp(1) + 1;
        assertEquals(expected, adjointGradient(q, new double[] {1})[0], 1e-15);
    }

    @Test
    void cyclicProgramsAreRejectedNamingTheCycle() {
        var b = Program.builder();
        Var x = b.input("x", 0.5);
        Var z = b.declare("z");
        b.define("z", Primitive.COS, new double[0], b.mul(x, z));
        Program p = b.output(z).build();
        ProgramException e = assertThrows(ProgramException.class, () -> Adjoint.of(p));
        assertTrue(e.getMessage().contains("z"), e.getMessage());
        assertTrue(e.getMessage().contains("acyclic"), e.getMessage());
        assertTrue(e.names().contains("z"), e.names().toString());
    }

    @Test
    void aProgramWithoutInputsOutputsItsObjective() {
        var b = Program.builder();
        Var c = b.let("c", b.exp(b.constant(1)));
        Program q = Adjoint.of(b.output(c).build());
        assertEquals(0, q.inputCount());
        assertEquals("c", q.name(q.objective()));
    }

    /**
     * A random acyclic program: d inputs with defaults in [-1, 1], then n nodes, each a random
     * primitive of earlier nodes squashed by tanh (and shifted into (0.5, 2.5) where the primitive
     * needs a positive or nonzero argument, except abs and relu), about half of them named;
     * sometimes both arguments are one node, which makes ties for max and min. The objective sums
     * the last four variables.
     */
    static Program randomProgram(Random random, int n, int d) {
        var b = Program.builder();
        List<Var> vars = new ArrayList<>();
        for (int k = 0; k < d; k++) {
            vars.add(b.input("x" + k, 2 * random.nextDouble() - 1));
        }
        Primitive[] choices = {
            Primitive.IDENTITY, Primitive.NEG, Primitive.ADD, Primitive.SUB, Primitive.MUL, Primitive.DIV,
            Primitive.POW, Primitive.POWC, Primitive.EXP, Primitive.LOG, Primitive.SIN, Primitive.COS,
            Primitive.TAN, Primitive.TANH, Primitive.SIGMOID, Primitive.SQRT, Primitive.ABS, Primitive.RELU,
            Primitive.MAX, Primitive.MIN, Primitive.SOFTPLUS, Primitive.WEIGHTED_SUM,
        };
        for (int i = 0; i < n; i++) {
            Primitive f = choices[random.nextInt(choices.length)];
            Var v;
            if (f == Primitive.WEIGHTED_SUM) {
                int m = 1 + random.nextInt(3);
                Var[] terms = new Var[m];
                double[] c = new double[m];
                for (int k = 0; k < m; k++) {
                    terms[k] = vars.get(random.nextInt(vars.size()));
                    c[k] = Math.rint(8 * random.nextGaussian()) / 4;
                }
                v = b.weightedSum(random.nextGaussian(), c, terms);
            } else if (f == Primitive.POWC) {
                double[] exponents = {0, 1, 2, 3, -1, 0.5, 2.5};
                v = b.pow(argument(b, vars, random, true), exponents[random.nextInt(exponents.length)]);
            } else if (f.arity() == 2) {
                Var a = argument(b, vars, random, f.domain(0) != Domain.REALS);
                Var c = random.nextInt(5) == 0 && f.domain(1) == f.domain(0) ? a
                        : argument(b, vars, random, f.domain(1) != Domain.REALS);
                v = b.apply(f, new double[0], a, c);
            } else {
                // abs and relu keep both signs: their arguments are nonzero almost surely.
                v = b.apply(f, new double[0], argument(b, vars, random, f.domain(0) == Domain.POSITIVE));
            }
            vars.add(random.nextBoolean() ? b.let("v" + i, v) : v);
        }
        Var[] last = vars.subList(vars.size() - 4, vars.size()).toArray(new Var[0]);
        return b.output(b.let("objective", b.sum(last))).build();
    }

    /** An earlier variable, tanh-squashed; shifted into (0.5, 2.5) when it must be positive. */
    private static Var argument(Program.Builder b, List<Var> vars, Random random, boolean positive) {
        Var v = b.tanh(vars.get(random.nextInt(vars.size())));
        return positive ? b.add(v, 1.5) : v;
    }
}
