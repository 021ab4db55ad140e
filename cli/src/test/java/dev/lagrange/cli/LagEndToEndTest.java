package dev.lagrange.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command on {@code .lag} files with the real parser and printer: the seed's program, parser
 * errors, and the adjoint round trip for the seed and for seeded random programs: solving the printed
 * gradient program gives the gradient that back-substitution gives, to the last bit.
 */
class LagEndToEndTest {
    static final String SEED = """
            # f(x) = exp(exp(x) + exp(x)^2) + sin(exp(x) + exp(x)^2)
            input x = 0.5
            a = exp(x)
            b = a^2
            c = a + b
            d = exp(c)
            e = sin(c)
            f = d + e
            output f
            """;

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json(String key) {
            return (Map<String, Object>) MiniJson.object(out).get(key);
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(err));
        assertFalse(err.toString().contains("\tat "), err.toString());
        return new Run(status, out.toString(), err.toString());
    }

    String file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p.toString();
    }

    @Test
    void theSeedSolves() throws IOException {
        Run r = run("solve", file("seed.lag", SEED), "--json", "--check");
        assertEquals(0, r.status(), r.err());
        assertEquals(555.9719679015081, (Double) r.json("gradient").get("x"), 4e-15 * 556);
        assertEquals(337.2140444730328, (Double) r.json("multipliers").get("a"), 1e-12);
        assertEquals(78.46854058534002, (Double) r.json("multipliers").get("c"), 1e-13);
        assertEquals(78.46854058534002, (Double) r.json("multipliers").get("b"), 1e-13);
        assertTrue((Double) r.json("check").get("maxRelativeError") < 1e-8, r.out());
    }

    @Test
    void keplersEquationSolvesWithImplicitGradients() throws IOException {
        // E = M + e sin E: dE/dM = 1 / (1 - e cos E), dE/de = sin E / (1 - e cos E).
        Run r = run("solve", file("kepler.lag", "input M = 1, e = 0.5\nE = M + e * sin(E)\ninit E = 1\noutput E\n"),
                "--json", "--check");
        assertEquals(0, r.status(), r.err());
        assertEquals(1.498701133517848, (Double) r.json("values").get("E"), 1e-15);
        assertEquals(1.037362021893646, (Double) r.json("gradient").get("M"), 1e-14);
        assertEquals(1.034667232373456, (Double) r.json("gradient").get("e"), 1e-14);
        assertTrue((Double) r.json("residuals").get("multipliers") < 1e-14, r.out());
        assertTrue(r.out().contains("\"kind\": \"cyclic\""), r.out());
    }

    @Test
    void aSolveBlockGivesImplicitGradients() throws IOException {
        // u^2 + v^2 = r^2, v = a u: u = r / sqrt(1 + a^2), f = u + v = r (1 + a) / sqrt(1 + a^2).
        Run r = run("solve", file("circle.lag", """
                input r = 2, a = 0.5
                solve u, v {
                  u^2 + v^2 = r^2
                  v = a * u
                }
                init u = 1, v = 1
                f = u + v
                output f
                """), "--json");
        assertEquals(0, r.status(), r.err());
        double q = Math.sqrt(1.25);
        assertEquals(2 * 1.5 / q, (Double) r.json("values").get("f"), 1e-14);
        assertEquals(1.5 / q, (Double) r.json("gradient").get("r"), 1e-14);
        assertEquals(2 * (1 / q - 1.5 * 0.5 / (q * q * q)), (Double) r.json("gradient").get("a"), 1e-14);
    }

    @Test
    void aStructurallySingularBlockExitsWithThreeNamingItsUnknowns() throws IOException {
        // Stan's [x0 + x1 - y0, 2 x0 + 2 x1 - y1]: singular for every x.
        String f = file("singular.lag", """
                input y0 = 1, y1 = 2
                solve x0, x1 {
                  x0 + x1 = y0
                  2 * x0 + 2 * x1 = y1
                }
                output x0
                """);
        Run r = run("solve", f);
        assertEquals(3, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ": error: singular: "), r.err());
        assertTrue(r.err().contains("x0") && r.err().contains("x1"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anEquationWithNoRealSolutionExitsWithThreeAndNoValue() throws IOException {
        // Stan's [x0^2 + y0, x1^2 + y1] at y = (1, 1).
        String f = file("noroot.lag", """
                input y0 = 1, y1 = 1
                solve x0, x1 {
                  x0^2 + y0 = 0
                  x1^2 + y1 = 0
                }
                init x0 = 0.5, x1 = 0.5
                output x0
                """);
        Run r = run("solve", f, "--json");
        assertEquals(3, r.status(), r.out());
        assertTrue(r.err().contains("x0"), r.err());
        assertFalse(r.out().contains("\"value\""), r.out());
    }

    @Test
    void parserErrorsExitWithTwoOnePerLine() throws IOException {
        String f = file("bad.lag", "input x = 1\ny = exq(x)\nz = y + q + r\noutput z\n");
        Run r = run("solve", f);
        assertEquals(2, r.status());
        assertEquals("", r.out());
        List<String> lines = r.err().lines().toList();
        assertTrue(lines.size() >= 2, r.err());
        for (String line : lines) {
            assertTrue(line.matches(java.util.regex.Pattern.quote(f) + ":\\d+:\\d+: error: .+"), line);
        }
        assertTrue(r.err().contains("exq"), r.err());
    }

    @Test
    void anInputWithoutAValueIsNamedAtItsDeclaration() throws IOException {
        String f = file("nodefault.lag", "input x = 1, y\nf = x * y\noutput f\n");
        Run r = run("solve", f);
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith(f + ":1:14: error: input 'y' has no value"), r.err());
        Run given = run("solve", f, "--set", "y=4", "--json");
        assertEquals(0, given.status(), given.err());
        assertEquals(4.0, (Double) given.json("gradient").get("x"));
        assertEquals(1.0, (Double) given.json("gradient").get("y"));
    }

    @Test
    void theSeedsAdjointHasOneStatementPerMultiplierAndRoundTrips() throws IOException {
        String f = file("seed.lag", SEED);
        Run adjoint = run("adjoint", f);
        assertEquals(0, adjoint.status(), adjoint.err());
        String text = adjoint.out();
        for (String v : new String[] {"f", "e", "d", "c", "b", "a"}) {
            assertTrue(text.contains("lambda_" + v + " ="), text);
        }
        assertTrue(text.indexOf("lambda_f =") < text.indexOf("lambda_c =")
                && text.indexOf("lambda_c =") < text.indexOf("lambda_a ="), text);
        assertTrue(text.contains("grad_x ="), text);
        assertTrue(text.strip().endsWith("output grad_x"), text);
        Run solved = run("solve", file("seed-adjoint.lag", text), "--json");
        assertEquals(0, solved.status(), solved.err());
        double g = (Double) run("solve", f, "--json").json("gradient").get("x");
        assertEquals(g, (Double) solved.json("values").get("grad_x"));
        assertEquals(337.2140444730328, (Double) solved.json("values").get("lambda_a"), 1e-12);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void randomProgramsRoundTripThroughTheAdjoint(long seed) throws IOException {
        String source = randomSource(new Random(seed), 3, 25);
        String f = file("random.lag", source);
        Run solved = run("solve", f, "--json");
        assertEquals(0, solved.status(), "seed " + seed + "\n" + source + solved.err());
        Run adjoint = run("adjoint", f);
        assertEquals(0, adjoint.status(), "seed " + seed + "\n" + adjoint.err());
        Run gradient = run("solve", file("random-adjoint.lag", adjoint.out()), "--json");
        assertEquals(0, gradient.status(), "seed " + seed + "\n" + adjoint.out() + gradient.err());
        Map<String, Object> expected = solved.json("gradient");
        Map<String, Object> values = gradient.json("values");
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            double want = (Double) e.getValue();
            double got = (Double) values.get("grad_" + e.getKey());
            assertEquals(want, got, 0,
                    "seed " + seed + ", d/d" + e.getKey() + "\n" + source + "\n" + adjoint.out());
        }
    }

    /**
     * A random acyclic {@code .lag} program: d inputs with defaults in (-1, 1), n statements each
     * applying a random function or operator to earlier variables squashed by tanh (shifted into
     * (0.5, 2.5) where the function needs a positive argument), the objective their last four.
     */
    static String randomSource(Random random, int d, int n) {
        StringBuilder s = new StringBuilder("# random program\n");
        List<String> vars = new ArrayList<>();
        for (int k = 0; k < d; k++) {
            s.append("input x").append(k).append(" = ").append(Math.round(2000 * random.nextDouble() - 1000) / 1000.0)
                    .append('\n');
            vars.add("x" + k);
        }
        String[] unary = {"exp", "sin", "cos", "tanh", "sigmoid", "abs", "relu", "softplus", "tan", "-"};
        String[] positive = {"log", "sqrt"};
        String[] binary = {"+", "-", "*", "/", "max", "min", "pow", "^"};
        for (int i = 0; i < n; i++) {
            String a = "tanh(" + vars.get(random.nextInt(vars.size())) + ")";
            String b = "tanh(" + vars.get(random.nextInt(vars.size())) + ")";
            String expr;
            switch (random.nextInt(3)) {
                case 0 -> {
                    String f = unary[random.nextInt(unary.length)];
                    expr = f.equals("-") ? "-" + a : f + "(" + a + ")";
                }
                case 1 -> expr = positive[random.nextInt(positive.length)] + "(1.5 + " + a + ")";
                default -> {
                    String op = binary[random.nextInt(binary.length)];
                    expr = switch (op) {
                        case "/" -> a + " / (1.5 + " + b + ")";
                        case "max", "min" -> op + "(" + a + ", " + (random.nextInt(4) == 0 ? a : b) + ")";
                        case "pow" -> "pow(1.5 + " + a + ", " + b + ")";
                        case "^" -> "(1.5 + " + a + ")^" + (1 + random.nextInt(3));
                        default -> a + " " + op + " " + b;
                    };
                }
            }
            s.append('v').append(i).append(" = ").append(expr).append('\n');
            vars.add("v" + i);
        }
        s.append("objective = ").append(String.join(" + ", vars.subList(vars.size() - 4, vars.size()))).append('\n');
        s.append("output objective\n");
        return s.toString();
    }

    static final String LAYER = """
            input W[1..2, 0..2] = [1, 2, 3, 4, 5, 6]
            input x[1..3, 1]
            input s = 2
            h = tanh(W @ x)
            f = s * sum(h)
            output f
            """;

    /** Vector nodes print entry by entry: h[1], h[2]; matrix inputs by their declared index bases, W[1,0]. */
    @Test
    void vectorEntriesPrintAndTakeSetValues() throws IOException {
        String layer = file("layer.lag", LAYER);
        Run r = run("solve", layer, "--json", "--set", "x[1]=0.5", "--set", "x[2]=-0.25", "--set", "x[3]=0.1",
                "--set", "W[2,1]=0.5");
        assertEquals(0, r.status(), r.err());
        double[] w = {1, 2, 3, 4, 0.5, 6};
        double[] x = {0.5, -0.25, 0.1};
        double f = 0;
        for (int row = 0; row < 2; row++) {
            double a = w[3 * row] * x[0] + w[3 * row + 1] * x[1] + w[3 * row + 2] * x[2];
            double h = Math.tanh(a);
            f += 2 * h;
            assertEquals(h, (Double) r.json("values").get("h[" + (row + 1) + "]"), 1e-15);
            assertEquals(2, (Double) r.json("multipliers").get("h[" + (row + 1) + "]"), 0);
            for (int c = 0; c < 3; c++) {
                assertEquals(2 * (1 - h * h) * x[c], (Double) r.json("gradient").get("W[" + (row + 1) + "," + c + "]"),
                        1e-15);
            }
        }
        assertEquals(f, (Double) MiniJson.object(r.out()).get("value"), 1e-15);
        assertEquals(0.5, (Double) r.json("values").get("W[2,1]"), 0);
        assertEquals(f / 2, (Double) r.json("gradient").get("s"), 1e-15);
        assertEquals(List.of("W[1,0]", "W[1,1]", "W[1,2]", "W[2,0]", "W[2,1]", "W[2,2]", "x[1]", "x[2]", "x[3]", "s",
                "h[1]", "h[2]", "f"), new ArrayList<>(r.json("values").keySet()));

        Run table = run("solve", layer, "--set", "x[1]=0.5", "--set", "x[2]=-0.25", "--set", "x[3]=0.1");
        assertEquals(0, table.status(), table.err());
        assertTrue(table.out().contains("\nh[2]  "), table.out());
        assertTrue(table.out().contains("\nW[2,2]  "), table.out());
    }

    @Test
    void vectorInputsWithoutValuesAndBadSetsAreUsageErrors() throws IOException {
        String layer = file("layer.lag", LAYER);
        Run missing = run("solve", layer);
        assertEquals(2, missing.status());
        assertEquals(layer + ":2:7: error: input 'x[1]' has no value; give it a default in the program or a value with"
                + " --set x[1]=VALUE\n", missing.err());
        Run block = run("solve", layer, "--set", "x=1");
        assertEquals(2, block.status());
        assertTrue(block.err().contains("'x' is an input of 3 entries; set each entry, e.g. --set x[1]=VALUE"),
                block.err());
        Run outside = run("solve", layer, "--set", "W[3,0]=1");
        assertEquals(2, outside.status());
        assertTrue(outside.err().contains("has no variable 'W[3,0]'"), outside.err());
    }

    /**
     * The adjoint of the tanh layer example: its printed program, solved, gives the gradient that
     * solving the example gives, entry by entry (grad_W[k] is W's k-th entry, row-major), bit for bit.
     */
    @Test
    void theAdjointOfTheTanhLayerSolvesToItsGradient() throws IOException {
        String example = Path.of("..", "examples", "programs", "tanh-layer.lag").toString();
        Run solved = run("solve", example, "--json");
        assertEquals(0, solved.status(), solved.err());
        Run adjoint = run("adjoint", example);
        assertEquals(0, adjoint.status(), adjoint.err());
        String text = adjoint.out();
        assertTrue(text.contains("\noutput f, grad_W, grad_x[1], grad_x[2], grad_x[3], grad_x[4], grad_b[1], "), text);
        Run gradient = run("solve", file("tanh-layer-adjoint.lag", text), "--json");
        assertEquals(0, gradient.status(), text + gradient.err());
        Map<String, Object> expected = solved.json("gradient");
        Map<String, Object> values = gradient.json("values");
        assertEquals(3 * 4 + 4 + 3 + 3, expected.size());
        Map<String, Integer> seen = new java.util.HashMap<>();
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            String block = e.getKey().substring(0, e.getKey().indexOf('['));
            int k = seen.merge(block, 1, Integer::sum);
            double want = (Double) e.getValue();
            Object got = values.get("grad_" + block + "[" + k + "]");
            assertTrue(got != null, "grad_" + block + "[" + k + "] missing\n" + text);
            assertEquals(want, (Double) got, 0, "d/d" + e.getKey() + "\n" + text);
        }
        assertEquals((Double) solved.json("values").get("f"), (Double) values.get("f"));
    }

    @Test
    void aVectorObjectiveIsAParseError() throws IOException {
        Run r = run("solve", file("v.lag", "input x[1..2, 1] = 1\nh = tanh(x)\noutput h\n"));
        assertEquals(2, r.status());
        assertTrue(r.err().endsWith("v.lag:3:8: error: the objective 'h' is a vector of 2 entries: reduce it to a scalar"
                + " (sum, dot, a loss)\n"), r.err());
    }

    @Test
    void theGraphOfAVectorProgramNamesItsVectorNodes() throws IOException {
        Run r = run("graph", file("layer.lag", LAYER), "--set", "x[1]=1", "--set", "x[2]=0", "--set", "x[3]=0");
        assertEquals(0, r.status(), r.err());
        double h1 = Math.tanh(1);
        assertTrue(r.out().contains("label=\"h (2 entries)\\nvalue [" + h1 + ", " + Math.tanh(4) + "]"), r.out());
        assertTrue(r.out().contains("label=\"@\"];"), r.out());
    }
}
