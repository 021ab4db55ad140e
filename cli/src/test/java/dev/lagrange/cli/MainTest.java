package dev.lagrange.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.lang.Diagnostic;
import dev.lagrange.lang.LagException;
import dev.lagrange.lang.LagParser;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command in-process, with programs built through the Java builder or parsed from fixed text (the
 * parser seam maps a file's first line to a program): exit codes, JSON fields against independently computed numbers,
 * the table, {@code --set}, {@code --output}, {@code --check}, {@code graph} and every error class.
 */
class MainTest {
    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
        Map<String, Object> json() {
            return MiniJson.object(out);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> json(String key) {
            return (Map<String, Object>) json().get(key);
        }

        void noStackTrace() {
            assertFalse(err.contains("\tat ") || out.contains("\tat "), "stack trace printed:\n" + err);
            assertFalse(err.contains("Exception in thread"), err);
        }
    }

    /** Domke's f(x) = exp(exp(x) + exp(x)^2) + sin(exp(x) + exp(x)^2), parsed from the seed's text. */
    static Program domke() {
        return LagParser.parse(LagEndToEndTest.SEED, "seed.lag");
    }

    /** The test programs, by the first line of the file. */
    static Program program(String source, String file) {
        String key = source.lines().findFirst().orElse("");
        switch (key) {
            case "#domke":
                return domke();
            case "#nodefault": {
                var b = Program.builder();
                Var x = b.input("x");
                Var w = b.input("w[2]");
                return b.output(b.let("y", b.mul(x, w))).build();
            }
            case "#cycle": {
                var b = Program.builder();
                Var x = b.input("x", 0.5);
                Var z = b.declare("z");
                b.define("z", dev.lagrange.primitive.Primitive.COS, new double[0], b.mul(x, z));
                return b.output(b.let("y", b.mul(2, z))).build();
            }
            case "#log": {
                var b = Program.builder();
                Var x = b.input("x", -1);
                Var y = b.let("y", b.log(x));
                return b.output(b.let("f", b.add(y, x))).build();
            }
            case "#relu": {
                var b = Program.builder();
                Var x = b.input("x", 0);
                return b.output(b.let("r", b.relu(x))).build();
            }
            case "#indexed": {
                var b = Program.builder();
                Var h0 = b.input("h[0]", 2);
                Var h1 = b.let("h[1]", b.mul(h0, h0));
                return b.output(b.let("h[2]", b.mul(3, h1))).build();
            }
            case "#errors":
                throw new LagException(List.of(new Diagnostic(file, 2, 5, "unknown function 'exq'"),
                        new Diagnostic(file, 4, 1, "'q' is used but never defined")));
            case "#bug":
                throw new IllegalStateException("boom");
            case "#oom":
                throw new OutOfMemoryError("Java heap space");
            default:
                throw new LagException(List.of(new Diagnostic(file, 1, 1, "test program '" + key + "' not known")));
        }
    }

    Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    static Run run(String... args) {
        return runWithInput("", args);
    }

    static Run runWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out), new PrintWriter(err), MainTest::program);
        Run r = new Run(status, out.toString(), err.toString());
        r.noStackTrace();
        return r;
    }

    String domkeFile() throws IOException {
        return file("domke.lag", "#domke\n").toString();
    }

    static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof Double, key + " is " + v);
        return (Double) v;
    }

    @Test
    void solveJsonHasTheSeedsNumbers() throws IOException {
        Run r = run("solve", domkeFile(), "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        Map<String, Object> o = r.json();
        assertEquals(List.of("status", "objective", "value", "values", "multipliers", "gradient", "residuals",
                "blocks"), List.copyOf(o.keySet()));
        assertEquals("converged", o.get("status"));
        assertEquals("f", o.get("objective"));
        assertEquals(77.86615550195191, number(o, "value"), 2e-15 * 77.9);
        Map<String, Object> values = r.json("values");
        assertEquals(List.of("x", "a", "b", "c", "d", "e", "f"), List.copyOf(values.keySet()));
        assertEquals(0.5, number(values, "x"));
        assertEquals(Math.exp(0.5), number(values, "a"), 1e-15);
        Map<String, Object> lambda = r.json("multipliers");
        assertEquals(List.copyOf(values.keySet()), List.copyOf(lambda.keySet()));
        assertEquals(555.9719679015081, number(lambda, "x"), 1e-12);
        assertEquals(337.2140444730328, number(lambda, "a"), 1e-12);
        assertEquals(78.46854058534002, number(lambda, "b"), 1e-13);
        assertEquals(78.46854058534002, number(lambda, "c"), 1e-13);
        assertEquals(1.0, number(lambda, "d"));
        assertEquals(1.0, number(lambda, "f"));
        Map<String, Object> gradient = r.json("gradient");
        assertEquals(List.of("x"), List.copyOf(gradient.keySet()));
        assertEquals(555.9719679015081, number(gradient, "x"), 4e-15 * 556);
        assertEquals(number(lambda, "x"), number(gradient, "x"));
        Map<String, Object> residuals = r.json("residuals");
        assertEquals(0.0, number(residuals, "constraints"));
        assertTrue(number(residuals, "multipliers") <= 1e-13);
        assertEquals(List.of(), o.get("blocks"));
    }

    @Test
    void jsonNumbersAreFullPrecision() throws IOException {
        Run r = run("solve", domkeFile(), "--json");
        // The shortest decimal that reads back as the double: the same text Double.toString gives.
        double a = Math.exp(0.5);
        assertTrue(r.out().contains("\"a\": " + Double.toString(a)), r.out());
    }

    @Test
    void indexedNamesAreKeysAsTheyAre() throws IOException {
        Run r = run("solve", file("h.lag", "#indexed\n").toString(), "--json", "--set", "h[0]=1.5");
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("h[0]", "h[1]", "h[2]"), List.copyOf(r.json("values").keySet()));
        assertEquals(3 * 1.5 * 1.5, number(r.json("values"), "h[2]"));
        assertEquals(6 * 1.5, number(r.json("gradient"), "h[0]"));
    }

    @Test
    void tableListsEveryVariableAligned() throws IOException {
        Run r = run("solve", domkeFile());
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("variable")).findFirst().orElseThrow());
        String head = lines.get(header);
        int valueColumn = head.indexOf("value");
        int multiplierColumn = head.indexOf("multiplier");
        String[] names = {"x", "a", "b", "c", "d", "e", "f"};
        for (int k = 0; k < names.length; k++) {
            String row = lines.get(header + 1 + k);
            assertTrue(row.startsWith(names[k] + " "), row);
            assertTrue(row.charAt(valueColumn - 1) == ' ' && row.charAt(valueColumn) != ' ', row);
            assertTrue(row.charAt(multiplierColumn - 1) == ' ' && row.charAt(multiplierColumn) != ' ', row);
        }
        String[] x = lines.get(header + 1).split(" +");
        assertEquals(0.5, Double.parseDouble(x[1]));
        assertEquals(555.9719679015081, Double.parseDouble(x[2]), 4e-15 * 556);
        Matcher f = Pattern.compile("(?m)^objective  f = (\\S+)$").matcher(r.out());
        assertTrue(f.find(), r.out());
        assertEquals(77.86615550195191, Double.parseDouble(f.group(1)), 2e-15 * 77.9);
        Matcher gradient = Pattern.compile("(?m)^input +d f / d input\n(x) +(\\S+)$").matcher(r.out());
        assertTrue(gradient.find(), "gradient rows: " + r.out());
        assertEquals(Double.parseDouble(x[2]), Double.parseDouble(gradient.group(2)));
        assertTrue(Pattern.compile("(?m)^constraints +0\\.0 ").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("(?m)^multipliers +\\S+ ").matcher(r.out()).find(), r.out());
    }

    @Test
    void setOverridesAnInput() throws IOException {
        Run r = run("solve", domkeFile(), "--set", "x=1.0", "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(24521.66286131299, number(r.json(), "value"), 2e-15 * 24521.7);
        assertEquals(429038.1354937981, number(r.json("gradient"), "x"), 4e-15 * 429038.2);
    }

    @Test
    void setGivesAMissingValueAndEveryMissingInputIsNamed() throws IOException {
        String f = file("nodefault.lag", "#nodefault\ninput x, w[1..3] = 0.1\n").toString();
        Run missing = run("solve", f);
        assertEquals(2, missing.status());
        List<String> lines = missing.err().lines().toList();
        assertEquals(2, lines.size(), missing.err());
        assertEquals(f + ":2:7: error: input 'x' has no value; give it a default in the program or a value with "
                + "--set x=VALUE", lines.get(0));
        assertTrue(lines.get(1).startsWith(f + ":2:10: error: input 'w[2]' has no value"), lines.get(1));
        assertEquals("", missing.out());

        Run given = run("solve", f, "--set", "x=3", "--set", "w[2]=-2", "--json");
        assertEquals(0, given.status(), given.err());
        assertEquals(-6.0, number(given.json(), "value"));
        assertEquals(-2.0, number(given.json("gradient"), "x"));
        assertEquals(3.0, number(given.json("gradient"), "w[2]"));
    }

    @Test
    void setErrorsExitWithTwo() throws IOException {
        String f = domkeFile();
        Run unknown = run("solve", f, "--set", "q=1");
        assertEquals(2, unknown.status());
        assertEquals("lagrange: error: --set q=1: " + f + " has no variable 'q'\n", unknown.err());
        Run notInput = run("solve", f, "--set", "a=1");
        assertEquals(2, notInput.status());
        assertTrue(notInput.err().contains("'a' is not an input"), notInput.err());
        Run notNumber = run("solve", f, "--set", "x=abc");
        assertEquals(2, notNumber.status());
        assertTrue(notNumber.err().contains("'abc' is not a number"), notNumber.err());
        Run noEquals = run("solve", f, "--set", "x");
        assertEquals(2, noEquals.status());
        assertTrue(noEquals.err().contains("--set"), noEquals.err());
    }

    @Test
    void outputPicksTheObjective() throws IOException {
        Run r = run("solve", domkeFile(), "--output", "c", "--json");
        assertEquals(0, r.status(), r.err());
        double a = Math.exp(0.5);
        assertEquals("c", r.json().get("objective"));
        assertEquals(a + a * a, number(r.json(), "value"), 1e-15);
        // dc/dx = a + 2 a^2 for a = exp(x).
        assertEquals(a + 2 * a * a, number(r.json("gradient"), "x"), 1e-14);
        assertEquals(0.0, number(r.json("multipliers"), "f"));
        assertEquals(1.0, number(r.json("multipliers"), "c"));

        Run unknown = run("solve", domkeFile(), "--output", "q");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("no variable 'q'"), unknown.err());
    }

    @Test
    void checkReportsTheMethodsAndTheError() throws IOException {
        Run r = run("solve", domkeFile(), "--json", "--check");
        assertEquals(0, r.status(), r.err());
        Map<String, Object> check = r.json("check");
        String method = (String) check.get("method");
        assertTrue(method.contains("forward-mode") && method.contains("Richardson") && method.contains("random"),
                method);
        double e = number(check, "maxRelativeError");
        assertTrue(e >= 0 && e < 1e-8, "relative error " + e);
        assertEquals(SolveCommand.CHECK_TOLERANCE, number(check, "tolerance"));
        Run table = run("solve", domkeFile(), "--check");
        assertTrue(table.out().contains("check      passed: max relative error"), table.out());
    }

    @Test
    void aFailedCheckExitsWithThree() throws IOException {
        // relu at its kink: the convention relu'(0) = 0 against central differences' 1/2.
        Run r = run("solve", file("relu.lag", "#relu\n").toString(), "--json", "--check");
        assertEquals(3, r.status(), r.err());
        assertTrue(number(r.json("check"), "maxRelativeError") > 0.1, r.out());
        assertTrue(r.err().contains("error: the gradient check failed"), r.err());
        assertTrue(r.err().contains("exceeds the tolerance 1.0E-6"), r.err());
    }

    @Test
    void aCyclicProgramIsSolvedByNewtonAndReportsItsBlock() throws IOException {
        // z = cos(x z) at x = 0.5, y = 2 z: dy/dx = -2 z sin(xz) / (1 + x sin(xz)).
        String f = file("cycle.lag", "#cycle\n").toString();
        Run r = run("solve", f, "--json");
        assertEquals(0, r.status(), r.err());
        double z = 1;
        for (int k = 0; k < 200; k++) {
            z = Math.cos(0.5 * z);
        }
        double s = Math.sin(0.5 * z);
        assertEquals(2 * z, number(r.json(), "value"), 1e-14);
        assertEquals(-2 * z * s / (1 + 0.5 * s), number(r.json("gradient"), "x"), 1e-14);
        String blocks = r.out().substring(r.out().indexOf("\"blocks\""));
        assertTrue(blocks.contains("\"cyclic\"") && blocks.contains("\"z\"") && blocks.contains("newton"), blocks);
        Run adjoint = run("adjoint", f);
        assertEquals(3, adjoint.status());
        assertTrue(adjoint.err().contains("z") && adjoint.err().contains("acyclic"), adjoint.err());
        assertEquals(0, run("graph", f).status());
    }

    @Test
    void aNonFiniteValueExitsWithThreeNamingTheVariable() throws IOException {
        String f = file("log.lag", "#log\n").toString();
        Run r = run("solve", f);
        assertEquals(3, r.status());
        assertTrue(r.err().startsWith(f + ": error: non finite: "), r.err());
        assertTrue(r.err().contains("'y'"), r.err());
        assertEquals("non_finite", run("solve", f, "--json").json().get("status"));
    }

    @Test
    void everyParserDiagnosticIsPrintedOnItsOwnLine() throws IOException {
        String f = file("bad.lag", "#errors\n").toString();
        Run r = run("solve", f);
        assertEquals(2, r.status());
        assertEquals(f + ":2:5: error: unknown function 'exq'\n" + f + ":4:1: error: 'q' is used but never defined\n",
                r.err());
        assertEquals(2, run("adjoint", f).status());
        assertEquals(2, run("graph", f).status());
    }

    @Test
    void anUnreadableFileExitsWithTwo() {
        String missing = dir.resolve("missing.lag").toString();
        Run r = run("solve", missing);
        assertEquals(2, r.status());
        assertEquals("lagrange: cannot read " + missing + ": no such file\n", r.err());
        Run directory = run("solve", dir.toString());
        assertEquals(2, directory.status());
        assertTrue(directory.err().startsWith("lagrange: cannot read " + dir), directory.err());
    }

    @Test
    void standardInputIsReadForADash() {
        Run r = runWithInput("#domke\n", "solve", "-", "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(555.9719679015081, number(r.json("gradient"), "x"), 4e-15 * 556);
        Run bad = runWithInput("#errors\n", "solve", "-");
        assertEquals(2, bad.status());
        assertTrue(bad.err().startsWith("<stdin>:2:5: error: unknown function 'exq'\n"), bad.err());
    }

    @Test
    void usageErrorsExitWithTwo() throws IOException {
        assertEquals(2, run().status());
        assertEquals(2, run("frobnicate").status());
        assertEquals(2, run("solve").status());
        Run unknownOption = run("solve", domkeFile(), "--jsn");
        assertEquals(2, unknownOption.status());
        assertTrue(unknownOption.err().contains("--jsn"), unknownOption.err());
        assertEquals(2, run("solve", domkeFile(), "extra.lag").status());
    }

    @Test
    void helpAndVersion() {
        Run help = run("--help");
        assertEquals(0, help.status());
        for (String command : new String[] {"solve", "adjoint", "graph"}) {
            assertTrue(help.out().contains(command), help.out());
        }
        Run solveHelp = run("solve", "--help");
        assertEquals(0, solveHelp.status());
        assertTrue(solveHelp.out().contains("--set") && solveHelp.out().contains("--check"), solveHelp.out());
        Run version = run("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().matches("lagrange \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n"), version.out());
    }

    @Test
    void aBugIsAnInternalErrorWithoutAStackTrace() throws IOException {
        Run r = run("solve", file("bug.lag", "#bug\n").toString());
        assertEquals(70, r.status());
        assertEquals("lagrange: internal error: IllegalStateException: boom\n", r.err());
    }

    @Test
    void runningOutOfMemoryIsExit3WithTheHeapSizeAndTheRemedy() throws IOException {
        Run r = run("solve", file("oom.lag", "#oom\n").toString());
        assertEquals(3, r.status());
        assertTrue(r.err().startsWith("lagrange: out of memory: the program and its workspaces need more than the "),
                r.err());
        assertTrue(r.err().contains(Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB"), r.err());
        assertTrue(r.err().contains("LAGRANGE_JAVA_OPTS=-Xmx"), r.err());
    }

    @Test
    void graphHasANodePerVariableAndAnEdgePerArgument() throws IOException {
        Run r = run("graph", domkeFile());
        assertEquals(0, r.status(), r.err());
        String dot = r.out();
        assertTrue(dot.startsWith("digraph "), dot);
        assertTrue(dot.endsWith("}\n"), dot);
        Program p = domke();
        int edges = 0;
        for (int i = 0; i < p.size(); i++) {
            edges += p.arity(i);
        }
        assertEquals(p.size(), count(dot, "(?m)^  n\\d+ \\[.*label="));
        assertEquals(edges, count(dot, "(?m)^  n\\d+ -> n\\d+ \\[label=\"[^\"]+\"\\];$"));
        double a = Math.exp(0.5);
        // b = a^2: the edge a -> b carries db/da = 2a; e = sin(c): the edge c -> e carries cos(c).
        assertTrue(dot.contains("n1 -> n2 [label=\"" + (2 * a) + "\"];"), dot);
        assertTrue(dot.contains("n3 -> n5 [label=\"" + Math.cos(a + a * a) + "\"];"), dot);
        assertTrue(dot.contains("label=\"x\\nvalue 0.5\\nmultiplier 555.97196790150"), dot);
        assertTrue(Pattern.compile("n6 \\[label=\"f\\\\n[^\"]*\", peripheries=2\\]").matcher(dot).find(), dot);
    }

    @Test
    void jsonStringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\\ud800\"", Json.write("a\"b\\c\nd\u0001\ud800"));
        assertEquals("[1.0, null, null, -0.0, 1.0E-300]",
                Json.write(List.of(1.0, Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1e-300)));
        assertEquals("a\"b\\c\nd\u0001", MiniJson.parse(Json.write("a\"b\\c\nd\u0001")));
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
