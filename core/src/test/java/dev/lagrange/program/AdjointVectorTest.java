package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.lang.LagException;
import dev.lagrange.lang.LagParser;
import dev.lagrange.lang.LagPrinter;
import dev.lagrange.primitive.Domain;
import dev.lagrange.primitive.Primitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The adjoint of programs with vector and matrix nodes: evaluated by substitution, its gradient
 * outputs equal back-substitution's input multipliers on the original program ({@link Sweeps#reverse},
 * itself checked against forward mode and central differences elsewhere), entry by entry and bit for
 * bit; and the adjoint program printed as .lag parses back to an equal program.
 */
class AdjointVectorTest {
    private static final int W = 4;

    /** A program over x (W entries), u (W entries), a scalar s and a 3 x W matrix A, all inputs. */
    private record Case(Function<Inputs, Var> objective) {
    }

    private record Inputs(Program.Builder b, Var s, Var x, Var u, Var a, Var y) {
    }

    private static final Map<String, Case> NAMED = Map.ofEntries(
            Map.entry("matvec", new Case(in -> in.b.dot(in.b.matvec(in.a, in.x), in.y))),
            // x also feeds a later node: W^T lambda must be summed before it is added, in both
            Map.entry("matvecShared", new Case(in -> in.b.add(in.b.dot(in.b.matvec(in.a, in.x), in.y),
                    in.b.dot(in.x, in.b.map(Primitive.TANH, in.x))))),
            Map.entry("matvecTransposed", new Case(in -> in.b.dot(in.b.matvecTransposed(in.a, in.y), in.x))),
            Map.entry("copy", new Case(in -> in.b.dot(in.b.let("c", in.x), in.u))),
            Map.entry("tanh", new Case(in -> in.b.dot(in.b.map(Primitive.TANH, in.b.hadamard(in.x, in.u)), in.u))),
            Map.entry("relu", new Case(in -> in.b.dot(in.b.map(Primitive.RELU, in.x), in.u))),
            Map.entry("sigmoid", new Case(in -> in.b.vectorSum(in.b.map(Primitive.SIGMOID, in.b.vectorAdd(in.x, in.u))))),
            Map.entry("exp", new Case(in -> in.b.dot(in.b.map(Primitive.EXP, in.x), in.u))),
            Map.entry("step", new Case(in -> in.b.dot(in.b.hadamard(in.b.step(in.x), in.x), in.u))),
            Map.entry("affine", new Case(in -> in.b.dot(in.b.vectorAffine(0.5, -2, in.x), in.x))),
            Map.entry("addSubHadamard", new Case(in -> in.b.add(in.b.dot(in.b.vectorAdd(in.x, in.u),
                    in.b.vectorSub(in.x, in.u)), in.b.vectorSum(in.b.hadamard(in.x, in.u))))),
            Map.entry("scale", new Case(in -> in.b.vectorSum(in.b.scale(-1.5, in.b.hadamard(in.x, in.x))))),
            Map.entry("scaleBy", new Case(in -> in.b.dot(in.b.scale(in.b.sin(in.s), in.x), in.u))),
            Map.entry("softmax", new Case(in -> in.b.dot(in.b.softmax(in.x), in.u))),
            Map.entry("logsumexp", new Case(in -> in.b.mul(in.b.logsumexp(in.x), in.s))),
            Map.entry("squaredLoss", new Case(in -> in.b.squaredLoss(in.x, in.u))),
            Map.entry("crossEntropy", new Case(in -> in.b.crossEntropy(in.x, in.b.softmax(in.u)))),
            Map.entry("element", new Case(in -> in.b.add(in.b.mul(in.b.element(in.x, 1), in.b.element(in.x, 2)),
                    in.b.sin(in.b.element(in.x, 1))))),
            Map.entry("stack", new Case(in -> in.b.dot(in.b.stack(in.s, in.b.sin(in.s), in.s, in.s), in.x))),
            Map.entry("mlp", new Case(in -> {
                Var h = in.b.let("h", in.b.map(Primitive.TANH, in.b.matvec(in.a, in.x)));
                Var g = in.b.let("g", in.b.softmax(in.b.scale(in.s, h)));
                return in.b.add(in.b.squaredLoss(g, in.y), in.b.mul(0.1, in.b.dot(h, h)));
            })));

    /** The named cases, and every scalar primitive as an entrywise map or zip, its arguments in its domain. */
    private static final Map<String, Case> CASES = new java.util.TreeMap<>(NAMED);

    static {
        for (Primitive g : Primitive.values()) {
            if (g.isElementwise() || g == Primitive.POWC) {
                double q = g.hasParameter() ? 3 : 0;
                CASES.put("map " + g, new Case(in -> in.b.dot(in.b.map(g, q, inDomain(in, g.domain(0), in.x)), in.u)));
            } else if (g.arity() == 2 && g != Primitive.IMPLICIT) {
                CASES.put("zip " + g, new Case(in -> in.b.dot(in.b.zip(g, inDomain(in, g.domain(0), in.x),
                        inDomain(in, g.domain(1), in.u)), in.x)));
            }
        }
    }

    /** v moved into a domain: positive as 0.3 + v^2, tan's principal branch as v / 2; else v itself (nonzero). */
    private static Var inDomain(Inputs in, Domain domain, Var v) {
        return switch (domain) {
            case POSITIVE -> in.b.vectorAffine(0.3, 1, in.b.hadamard(v, v));
            case TAN -> in.b.scale(0.5, v);
            default -> v;
        };
    }

    static Stream<Arguments> cases() {
        return CASES.keySet().stream().sorted().flatMap(name -> Stream.of(21L, 22L, 23L).flatMap(seed ->
                Stream.of(true, false).map(scalarFirst -> Arguments.of(name, seed, scalarFirst))));
    }

    /** The case's program, with the scalar input s first or last. */
    private static Program program(String name, boolean scalarFirst, Random random) {
        Program.Builder b = Program.builder();
        Var s = scalarFirst ? b.input("s", draw(random)) : null;
        Var x = b.inputVector("x", draws(random, W));
        Var u = b.inputVector("u", draws(random, W));
        Var a = b.inputMatrix("A", 3, W, draws(random, 3 * W));
        Var y = b.inputVector("y", draws(random, 3));
        if (!scalarFirst) {
            s = b.input("s", draw(random));
        }
        Var f = CASES.get(name).objective.apply(new Inputs(b, s, x, u, a, y));
        return b.output(b.let("f", f)).build();
    }

    private static double draw(Random random) {
        double v = random.nextDouble() * 4 - 2;
        return Math.abs(v) < 0.1 ? v + Math.copySign(0.2, v) : v; // away from relu's kink
    }

    private static double[] draws(Random random, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = draw(random);
        }
        return v;
    }

    /** Back-substitution's gradient, one entry per input. */
    static double[] backSubstitution(Program p) {
        double[] z = AdjointTest.evaluate(p, p.inputDefaults());
        double[] lambda = AdjointTest.multipliers(p, z);
        double[] g = new double[p.inputCount()];
        for (int k = 0; k < g.length; k++) {
            g[k] = lambda[p.inputSlot(k)];
        }
        return g;
    }

    /** The adjoint program's gradient outputs (after the objective when it leads), flattened. */
    static double[] adjointGradient(Program p, Program q) {
        double[] z = AdjointTest.evaluate(q, q.inputDefaults());
        int bad = Sweeps.firstNonFinite(q, z, 0, q.size());
        assertEquals(-1, bad, () -> "'" + q.label(bad) + "' is not finite");
        double[] g = new double[p.inputCount()];
        int m = 0;
        for (int k = q.outputCount() - countGradientOutputs(p); k < q.outputCount(); k++) {
            int node = q.output(k);
            for (int e = 0; e < q.width(node); e++) {
                g[m++] = z[q.slot(node) + e];
            }
        }
        assertEquals(g.length, m, "one gradient entry per input");
        return g;
    }

    private static int countGradientOutputs(Program p) {
        int count = 0;
        for (int k = 0; k < p.inputCount(); k++) {
            if (p.inputIndex(p.input(k)) == k) {
                count++;
            }
        }
        return count;
    }

    static void assertGradient(Program p, String where) {
        Program q = Adjoint.of(p);
        double[] expected = backSubstitution(p);
        double[] actual = adjointGradient(p, q);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], 0.0, where + ": d f / d " + p.inputLabel(k));
        }
        String printed = LagPrinter.print(q);
        Program back;
        try {
            back = LagParser.parse(printed, "adjoint.lag");
        } catch (LagException e) {
            throw new AssertionError(where + ": the printed adjoint does not parse: " + e.diagnostics() + "\n"
                    + printed, e);
        }
        assertEquals(q, back, where + ": the printed adjoint parses back to another program\n" + printed);
    }

    @ParameterizedTest(name = "{0} seed {1} scalar first {2}")
    @MethodSource("cases")
    void gradientMatchesBackSubstitution(String name, long seed, boolean scalarFirst) {
        Program p = program(name, scalarFirst, new Random(seed));
        assertGradient(p, name + " seed " + seed);
        Program q = Adjoint.of(p);
        // The outputs: gradients only when the first input is a scalar, else the objective first.
        int first = q.output(0);
        assertEquals(scalarFirst ? "grad_s" : "f", q.name(first), name + ": the first output");
        assertEquals(1, q.width(first));
    }

    @Test
    void gradientOfAMatrixInputIsAMatrixShapedOutput() {
        Program p = program("matvec", false, new Random(5));
        Program q = Adjoint.of(p);
        int grad = q.nodeNamed("grad_A");
        assertEquals(3 * W, q.width(grad));
        assertEquals(List.of("f", "grad_x", "grad_u", "grad_A", "grad_y", "grad_s"),
                Stream.iterate(0, k -> k + 1).limit(q.outputCount()).map(k -> q.name(q.output(k))).toList());
    }

    @Test
    void tanhLayerExample() throws IOException {
        Program p = LagParser.parse(examples().resolve("tanh-layer.lag"));
        assertGradient(p, "tanh-layer.lag");
    }

    @Test
    void cyclicVectorProgramIsRefusedLikeACyclicScalarOne() throws IOException {
        Program p = LagParser.parse(examples().resolve("mdp-vector.lag"));
        ProgramException e = assertThrows(ProgramException.class, () -> Adjoint.of(p));
        assertTrue(e.getMessage().startsWith("the variables v form a cycle"), e.getMessage());
    }

    @Test
    void outerProduct() {
        Program.Builder b = Program.builder();
        Var x = b.inputVector("x", new double[] {1.5, -2, 0.25});
        Var y = b.inputVector("y", new double[] {0.5, 3});
        Var g = b.let("G", b.outer(x, y));
        Var u = b.inputVector("u", new double[] {0.3, -0.7});
        // G as a vector of its entries: a matrix node other than an input cannot stand left of @ in .lag
        Program p = b.output(b.let("f", b.add(b.dot(g, g), b.dot(g, b.outer(x, u))))).build();
        assertGradient(p, "outer");
    }

    @Test
    void sparseMatricesAreRefusedWithTheirNames() {
        Program.Builder b = Program.builder();
        SparseMatrix a = b.inputSparseMatrix("S", 2, 2, new int[] {0, 1, 2}, new int[] {1, 0}, new double[] {2, 3});
        Var x = b.inputVector("x", new double[] {1, 2});
        Program p = b.output(b.let("f", b.vectorSum(b.let("h", b.sparseMatvec(a, x))))).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Adjoint.of(p));
        assertEquals("'S' is a sparse matrix input; the adjoint transformation has no rule for sparse matrices yet",
                e.getMessage());
    }

    /** Taking the adjoint twice: a Hessian row, exercising the rules of STEP, AFFINE, STACK and ELEMENT. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("secondOrder")
    void adjointOfTheAdjoint(String name) {
        Program p = program(name, true, new Random(31));
        Program q = Adjoint.of(p);
        assertGradient(q, name + " twice");
    }

    static Stream<String> secondOrder() {
        return Stream.of("tanh", "sigmoid", "relu", "exp", "softmax", "logsumexp", "crossEntropy", "element",
                "stack", "affine", "scaleBy", "squaredLoss", "copy", "addSubHadamard", "scale", "matvec",
                "matvecShared", "matvecTransposed", "mlp");
    }

    static Path examples() {
        for (Path p : List.of(Path.of("..", "examples", "programs"), Path.of("examples", "programs"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("examples/programs not found");
    }
}
