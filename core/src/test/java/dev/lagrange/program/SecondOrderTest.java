package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lagrange.lang.LagParser;
import dev.lagrange.primitive.Domain;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hessian-vector products by forward-over-reverse against two independent references: forward mode
 * of order 2 (commons-math3 {@link DerivativeStructure}) and central differences of the gradient.
 */
class SecondOrderTest {
    /** The Hessian of a scalar program's objective in forward mode of order 2. */
    static double[][] forwardModeHessian(Program p, double[] x) {
        return forwardModeHessian(p, x, p.objective());
    }

    /** The Hessian of node {@code node} in forward mode of order 2. */
    static double[][] forwardModeHessian(Program p, double[] x, int node) {
        int d = p.inputCount();
        DerivativeStructure[] z = new DerivativeStructure[p.size()];
        for (int i = 0; i < p.size(); i++) {
            Primitive f = p.primitive(i);
            int[] a = p.arguments(i);
            double[] c = p.parameters(i);
            z[i] = switch (f) {
                case INPUT -> new DerivativeStructure(d, 2, p.inputIndex(i), x[p.inputIndex(i)]);
                case CONSTANT -> new DerivativeStructure(d, 2, c[0]);
                case WEIGHTED_SUM -> {
                    DerivativeStructure v = new DerivativeStructure(d, 2, c[0]);
                    for (int k = 0; k < a.length; k++) {
                        v = v.add(z[a[k]].multiply(c[k + 1]));
                    }
                    yield v;
                }
                default -> f.value(z[a[0]], a.length > 1 ? z[a[1]] : null, c.length > 0 ? c[0] : 0);
            };
        }
        DerivativeStructure f = z[node];
        double[][] h = new double[d][d];
        int[] orders = new int[d];
        for (int r = 0; r < d; r++) {
            for (int s = 0; s < d; s++) {
                orders[r]++;
                orders[s]++;
                h[r][s] = f.getPartialDerivative(orders);
                orders[r] = 0;
                orders[s] = 0;
            }
        }
        return h;
    }

    /** Every primitive of one or two arguments, with its constant where it takes one. */
    static Stream<Primitive> primitives() {
        return Arrays.stream(Primitive.values()).filter(f -> f.arity() == 1 || f.arity() == 2)
                .filter(f -> f != Primitive.IMPLICIT);
    }

    /**
     * {@code f = g(x, y) * (x + 0.5 y) + g(x, y)^2} with x, y drawn from g's domains: the products
     * make every second partial of g and the chain rule's cross terms count.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("primitives")
    void everyPrimitivesHessianMatchesForwardModeOfOrderTwo(Primitive g) {
        Random random = new Random(g.ordinal() * 31L + 7);
        for (int trial = 0; trial < 5; trial++) {
            double[] x0 = {g.domain(0).sample(random), g.arity() == 2 ? g.domain(1).sample(random) : Domain.REALS.sample(random)};
            Program.Builder b = Program.builder();
            Var x = b.input("x", x0[0]);
            Var y = b.input("y", x0[1]);
            // integer exponents, since ^ is sampled at negative bases too
            double[] q = g.hasParameter() ? new double[] {new double[] {-2, -1, 1, 2, 3}[trial]} : new double[0];
            Var gv = g.arity() == 1 ? b.apply(g, q, x) : b.apply(g, q, x, y);
            Var h = b.let("g", gv);
            Var f = b.add(b.mul(h, b.weightedSum(0, new double[] {1, 0.5}, x, y)), b.pow(h, 2));
            Program p = b.output(b.let("f", f)).build();
            double[][] expected = forwardModeHessian(p, x0);
            double[][] actual = SecondOrder.of(p).hessian(x0);
            for (int r = 0; r < 2; r++) {
                for (int s = 0; s < 2; s++) {
                    double e = expected[r][s];
                    org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(e), g + ": the reference is " + e);
                    assertEquals(e, actual[s][r], 1e-12 * Math.max(1, Math.abs(e)),
                            g + " at " + Arrays.toString(x0) + ": d2f/dx" + r + "dx" + s);
                }
            }
        }
    }

    /** On a parsed program of 40 nodes: H v against central differences of the gradient (h = 1e-5, stated error 1e-6). */
    @Test
    void hessianTimesMatchesDifferencesOfTheGradient() {
        Program p = LagParser.parse("""
                input a = 0.7
                input b = -0.4
                input c = 1.9
                u = sin(a * b) + exp(b / c)
                w = tanh(u * c - a) + log(c + a * a)
                s = sigmoid(w - b) * sqrt(c)
                f = u * w + s ^ 3 - softplus(a - c) + max(a, b) * erf(b)
                output f
                """, "hessian.lag");
        double[] x = p.inputDefaults();
        double[] v = {0.3, -1.1, 0.6};
        double[] hv = SecondOrder.of(p).hessianTimes(x, v);
        double h = 1e-5;
        double[] plus = gradient(p, shift(x, v, h));
        double[] minus = gradient(p, shift(x, v, -h));
        for (int k = 0; k < 3; k++) {
            double fd = (plus[k] - minus[k]) / (2 * h);
            assertEquals(fd, hv[k], 1e-6 * Math.max(1, Math.abs(fd)), "(H v)_" + k);
        }
        double[][] full = SecondOrder.of(p).hessian(x);
        double[][] reference = forwardModeHessian(p, x);
        for (int r = 0; r < 3; r++) {
            for (int s = 0; s < 3; s++) {
                assertEquals(reference[r][s], full[r][s], 1e-12 * Math.max(1, Math.abs(reference[r][s])));
            }
        }
    }

    private static final String TWO_OUTPUTS = """
            input a = 0.7
            input b = -0.4
            u = sin(a * b) + a ^ 3
            g = exp(u - b * b) / (1 + a * a)
            f = u * g + log1p(b * b)
            output f, g
            """;

    /** {@code w^T (d^2 y) v} for two outputs against w_1 H_f v + w_2 H_g v, both in forward mode of order 2. */
    @Test
    void weightedOutputsGiveTheVectorHessianVectorProduct() {
        Program p = LagParser.parse(TWO_OUTPUTS, "two.lag");
        double[] x = p.inputDefaults();
        double[] v = {1.3, -0.7};
        double[] w = {0.3, -2};
        double[][] hf = forwardModeHessian(p, x, p.output(0));
        double[][] hg = forwardModeHessian(p, x, p.output(1));
        double[] actual = SecondOrder.of(p).hessianTimes(x, v, w);
        for (int r = 0; r < 2; r++) {
            double expected = 0;
            for (int s = 0; s < 2; s++) {
                expected += (w[0] * hf[r][s] + w[1] * hg[r][s]) * v[s];
            }
            assertEquals(expected, actual[r], 1e-12 * Math.max(1, Math.abs(expected)), "row " + r);
        }
        assertThrows(IllegalArgumentException.class, () -> SecondOrder.of(p).hessianTimes(x, v, new double[] {1}));
    }

    /**
     * The Lagrangian's Hessian in z at a point that is neither feasible nor stationary, against
     * central differences of the Lagrangian's z-gradient ({@code Lagrangian.gradient}), h = 1e-6.
     */
    @Test
    void theLagrangiansHessianMatchesDifferencesOfItsGradient() {
        Program p = LagParser.parse(TWO_OUTPUTS, "two.lag");
        var lagrangian = dev.lagrange.lagrangian.Lagrangian.of(p);
        Random random = new Random(5);
        int n = p.size();
        double[] x = p.inputDefaults();
        double[] z = new double[n];
        Sweeps.forward(p, x, z);
        double[] lambda = new double[n];
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] += 0.05 * random.nextGaussian(); // off the constraints
            lambda[i] = random.nextGaussian();
            u[i] = random.nextGaussian();
        }
        double[] hu = SecondOrder.of(p).lagrangianHessianTimes(z, lambda, u);
        double h = 1e-6;
        double[] up = lagrangian.gradient(x, shift(z, u, h), lambda).z();
        double[] down = lagrangian.gradient(x, shift(z, u, -h), lambda).z();
        for (int j = 0; j < n; j++) {
            double fd = (up[j] - down[j]) / (2 * h);
            assertEquals(fd, hu[j], 1e-6 * Math.max(1, Math.abs(fd)), "(d2L/dz2 u) at '" + p.label(j) + "'");
        }
    }

    /**
     * Every supported vector primitive in one program (matvec, both products with a matrix, maps,
     * zips, Hadamard, scale-by, outer, dot, sums, entries, stacks, the squared loss): its 12 x 12
     * Hessian against forward mode of order 2 through the same vector nodes' DerivativeStructure rules.
     */
    @Test
    void vectorNodesHessianMatchesForwardModeOfOrderTwo() {
        Program p = LagParser.parse("""
                input W[1..2, 1..3] = [0.5, -0.3, 0.8, 0.1, 0.9, -0.6]
                input x[1..3, 1] = [0.4, -1.2, 0.7]
                input y[1..2, 1] = [0.3, -0.8]
                input s = 0.7
                h = tanh(W @ x)
                g = y @ W
                q = h * y + s * h
                r = max(g, x) / (x * x + 1)
                G = outer(h, x)
                f = dot(q, h) + sum(r ^ 3) + squared_loss(h, y) + sum(G) * s + h[1] * g[2] + sum(x - 2 * x) + dot([s, h[2]], y)
                output f
                """, "vector.lag");
        double[] x = p.inputDefaults();
        double[][] actual = SecondOrder.of(p).hessian(x);
        double[][] expected = dev.lagrange.check.GradientCheck.of(p).forwardModeHessian(x);
        for (int r = 0; r < x.length; r++) {
            for (int c = 0; c < x.length; c++) {
                assertEquals(expected[r][c], actual[c][r], 1e-12 * Math.max(1, Math.abs(expected[r][c])),
                        "d2f/d" + p.inputLabel(r) + " d" + p.inputLabel(c));
            }
        }
    }

    /** A program with every vector primitive, nonlinear in all its inputs. */
    static Program allVectorPrimitives() {
        var b = Program.builder();
        Var x = b.inputVector("x", new double[] {0.3, -0.8, 0.5, 1.1});
        Var y = b.inputVector("y", new double[] {0.1, 0.2, 0.3, 0.4});
        Var W = b.inputMatrix("W", 3, 4, new double[] {0.2, -0.4, 0.1, 0.3, -0.2, 0.5, 0.7, -0.1, 0.4, 0.2, -0.6, 0.3});
        Var s = b.input("s", 0.7);
        Var u = b.input("u", -1.3);
        Var h = b.map(Primitive.TANH, b.matvec(W, x));
        Var v = b.vectorAdd(b.map(Primitive.SIGMOID, x), b.hadamard(x, y));
        Var d = b.vectorSub(v, b.scale(0.5, x));
        Var e = b.scale(s, b.map(Primitive.EXP, d));
        Var sm = b.softmax(b.hadamard(e, y));
        Var st = b.stack(u, s, u, b.element(h, 2));
        SparseMatrix A = b.inputSparseMatrix("A", 4, 4, new int[] {0, 2, 2, 3, 5}, new int[] {0, 3, 1, 0, 2},
                new double[] {0.5, -0.7, 0.9, 0.2, -0.3});
        Var ax = b.sparseMatvec(A, d);
        Var terms = b.stack(b.dot(x, x), b.vectorSum(h), b.logsumexp(b.hadamard(sm, x)), b.squaredLoss(st, y),
                b.crossEntropy(b.hadamard(d, x), b.map(Primitive.EXP, y)), b.dot(ax, ax), b.dot(b.matvecTransposed(W, h), x),
                b.vectorSum(b.outer(h, x)), b.dot(b.vectorAffine(1, -2, x), b.step(d)), b.dot(b.zip(Primitive.MAX, x, y), x),
                b.dot(b.zip(Primitive.POW, b.map(Primitive.EXP, x), y), sm), b.dot(b.scale(u, ax), sm),
                b.dot(b.let("xc", x), x));
        return b.output(b.vectorSum(terms)).build();
    }

    /**
     * The Lagrangian's Hessian of the program with every vector primitive, off its constraints,
     * against central differences of the Lagrangian's z-gradient (h = 1e-6, tolerance 1e-6).
     */
    @Test
    void theLagrangiansHessianThroughVectorNodesMatchesDifferences() {
        Program p = allVectorPrimitives();
        var lagrangian = dev.lagrange.lagrangian.Lagrangian.of(p);
        Random random = new Random(9);
        int n = p.slotCount();
        double[] x = p.inputDefaults();
        double[] z = new double[n];
        Sweeps.forward(p, x, z);
        double[] lambda = new double[n];
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] += 0.02 * random.nextGaussian();
            lambda[i] = random.nextGaussian();
            u[i] = random.nextGaussian();
        }
        double[] hu = SecondOrder.of(p).lagrangianHessianTimes(z, lambda, u);
        double h = 1e-6;
        double[] up = lagrangian.gradient(x, shift(z, u, h), lambda).z();
        double[] down = lagrangian.gradient(x, shift(z, u, -h), lambda).z();
        for (int j = 0; j < n; j++) {
            double fd = (up[j] - down[j]) / (2 * h);
            assertEquals(fd, hu[j], 1e-6 * Math.max(1, Math.abs(fd)), "(d2L/dz2 u) at slot " + p.slotLabel(j));
        }
    }

    /** Z^T W Z v at the adjoint multipliers is H v: the reduced Hessian and forward-over-reverse agree. */
    @Test
    void reducedHessianAtTheAdjointsIsTheHessian() {
        Program p = allVectorPrimitives();
        double[] x = p.inputDefaults();
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, x, z);
        double[] lambda = new double[p.slotCount()];
        lambda[p.slot(p.objective())] = 1;
        Sweeps.reverse(p, z, lambda, lambda, 0, p.size());
        Random random = new Random(3);
        double[] v = new double[x.length];
        for (int k = 0; k < v.length; k++) {
            v[k] = random.nextGaussian();
        }
        SecondOrder second = SecondOrder.of(p);
        double[] reduced = second.reducedHessianTimes(x, lambda, v);
        double[] hv = second.hessianTimes(x, v);
        for (int k = 0; k < v.length; k++) {
            assertEquals(hv[k], reduced[k], 1e-12 * Math.max(1, Math.abs(hv[k])), "(H v)_" + k);
        }
    }

    /**
     * A program with every vector primitive (softmax, logsumexp, cross-entropy and the sparse product
     * among them), nonlinear in all its inputs: the Hessian against forward mode of order 2 through
     * the primitives' DerivativeStructure versions, to 1e-11 relative.
     */
    @Test
    void everyVectorPrimitivesSecondOrderRuleMatchesForwardMode() {
        Program p = allVectorPrimitives();
        java.util.Set<VectorPrimitive> seen = java.util.EnumSet.noneOf(VectorPrimitive.class);
        for (int i = 0; i < p.size(); i++) {
            if (p.isVector(i)) {
                seen.add(p.vectorPrimitive(i));
            }
        }
        assertEquals(java.util.EnumSet.allOf(VectorPrimitive.class), seen, "every vector primitive is in the program");
        double[] x0 = p.inputDefaults();
        double[][] actual = SecondOrder.of(p).hessian(x0);
        double[][] expected = dev.lagrange.check.GradientCheck.of(p).forwardModeHessian(x0);
        for (int r = 0; r < x0.length; r++) {
            for (int c = 0; c < x0.length; c++) {
                assertEquals(expected[r][c], actual[c][r], 1e-11 * Math.max(1, Math.abs(expected[r][c])),
                        "d2f/d" + p.inputLabel(r) + " d" + p.inputLabel(c));
            }
        }
    }

    /**
     * A workspace reused across products (which clear their multipliers as they read them, instead
     * of filling the arrays) gives the same products as fresh arrays, bit for bit.
     */
    @Test
    void aReusedWorkspaceGivesTheSameProducts() {
        for (Program p : new Program[] {allVectorPrimitives(), LagParser.parse(TWO_OUTPUTS, "two.lag")}) {
            SecondOrder second = SecondOrder.of(p);
            SecondOrder.Workspace ws = second.workspace();
            Random random = new Random(17);
            double[] x = p.inputDefaults();
            for (int trial = 0; trial < 4; trial++) {
                double[] v = new double[x.length];
                for (int k = 0; k < v.length; k++) {
                    v[k] = random.nextGaussian();
                }
                double[] reused = new double[x.length];
                second.hessianTimes(x, v, ws, reused);
                org.junit.jupiter.api.Assertions.assertArrayEquals(second.hessianTimes(x, v), reused, 0, "trial " + trial);
                for (double e : ws.lambda) {
                    assertEquals(0, e, 0, "left clean");
                }
                for (double e : ws.lambdaDot) {
                    assertEquals(0, e, 0, "left clean");
                }
            }
        }
    }

    /** Kinks are found entry by entry in maps and zips, and only where they are. */
    @Test
    void kinksAreNamedEntryByEntry() {
        Program p = LagParser.parse("input v[1..3, 1] = [1, 0, -2]\ninput w[1..3, 1] = [3, 0, -1]\n"
                + "f = sum(relu(v)) + sum(max(v, w)) + abs(v[1] - 1)\noutput f\n", "k.lag");
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, p.inputDefaults(), z);
        java.util.List<String> kinks = SecondOrder.kinks(p, z);
        assertEquals(3, kinks.size(), kinks.toString());
        org.junit.jupiter.api.Assertions.assertTrue(kinks.get(0).contains("[2]' = relu(0.0)"), kinks.toString());
        org.junit.jupiter.api.Assertions.assertTrue(kinks.get(1).contains("[2]' = max(0.0, 0.0)"), kinks.toString());
        org.junit.jupiter.api.Assertions.assertTrue(kinks.get(2).contains("= abs("), kinks.toString());
    }

    @Test
    void cyclicProgramsAreReferredToTheImplicitSolver() {
        Program cyclic = LagParser.parse("input x = 0.5\nv = x + 0.5 * tanh(v)\noutput v\n", "c.lag");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> SecondOrder.of(cyclic));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("ImplicitHessian"), e.getMessage());
    }

    private static double[] shift(double[] x, double[] v, double h) {
        double[] y = x.clone();
        for (int k = 0; k < y.length; k++) {
            y[k] += h * v[k];
        }
        return y;
    }

    private static double[] gradient(Program p, double[] x) {
        double[] z = new double[p.size()];
        Sweeps.forward(p, x, z);
        double[] lambda = new double[p.size()];
        lambda[p.objective()] = 1;
        Sweeps.reverse(p, z, lambda, lambda, 0, p.size());
        double[] g = new double[p.inputCount()];
        for (int k = 0; k < g.length; k++) {
            g[k] = lambda[p.inputSlot(k)];
        }
        return g;
    }
}
