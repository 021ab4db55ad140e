package dev.lagrange.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Program;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input: random bytes, mutated programs, deep nesting, huge files and loops. The parser
 * must answer with a program or a {@link LagException}, never another exception, never hang.
 */
class LagRobustnessTest {
    /**
     * A guard against hangs, not a benchmark: a 10^6-line program parses in about 2 s of CPU time
     * (4-5 s wall on a shared 2-core machine); the guard leaves room for a loaded machine.
     */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** Parses; any outcome but a program or a LagException fails the test. */
    private static void parseOrDiagnose(String source, String context) {
        try {
            Lag.parse(source);
        } catch (LagException e) {
            assertTrue(!e.diagnostics().isEmpty(), context);
            for (Diagnostic d : e.diagnostics()) {
                assertTrue(d.line() >= 1 && d.column() >= 1, context + ": " + d);
            }
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError(context + ": " + e + "\n" + source, e);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void randomBytes(long seed) {
        Random r = new Random(seed);
        for (int k = 0; k < 50; k++) {
            byte[] bytes = new byte[r.nextInt(2000)];
            r.nextBytes(bytes);
            parseOrDiagnose(new String(bytes, StandardCharsets.UTF_8), "seed " + seed + " case " + k);
            parseOrDiagnose(new String(bytes, StandardCharsets.ISO_8859_1), "seed " + seed + " case " + k);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void mutatedPrograms(long seed) throws Exception {
        Random r = new Random(seed);
        String alphabet = "abxyz019+-*/^()[]{},:=.%`#\n \\ exp sum for in solve init input output declare wsum ";
        List<String> sources = RoundTripTest.examples().map(Lag::read).toList();
        for (int k = 0; k < 200; k++) {
            StringBuilder s = new StringBuilder(sources.get(r.nextInt(sources.size())));
            for (int m = 1 + r.nextInt(4); m > 0; m--) {
                int at = r.nextInt(s.length() + 1);
                if (r.nextBoolean() && at < s.length()) {
                    s.deleteCharAt(at);
                } else {
                    s.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            parseOrDiagnose(s.toString(), "seed " + seed + " case " + k);
        }
    }

    @Test
    void tenThousandNestedParentheses() {
        String deep = "input x = 1\na = " + "(".repeat(10_000) + "x" + ")".repeat(10_000) + "\noutput a\n";
        List<String> errors = Lag.errors(deep);
        assertEquals(List.of("test.lag:2:" + (5 + LagParser.MAX_DEPTH) + ": error: expression is nested more than "
                + LagParser.MAX_DEPTH + " levels deep"), errors);
        Program ok = Lag.parse("input x = 1\na = " + "(".repeat(200) + "x" + ")".repeat(200) + " + 1\noutput a\n");
        assertEquals(2, Lag.value(ok, "a"));
    }

    @Test
    void deepChainsOfOperatorsAndBlocks() {
        parseOrDiagnose("input x = 1\na = " + "-".repeat(100_000) + "x\noutput a\n", "unary minus");
        parseOrDiagnose("input x = 1\na = x" + "^x".repeat(10_000) + "\noutput a\n", "exponents");
        parseOrDiagnose("input x = 1\na = " + "exp(".repeat(10_000) + "x" + ")".repeat(10_000) + "\noutput a\n",
                "calls");
        parseOrDiagnose("input x = 1\na = h" + "[h".repeat(10_000) + "]".repeat(10_001) + "\noutput a\n", "indices");
        parseOrDiagnose("input x = 1\n" + "for i in 1..1 {\n".repeat(10_000) + "a = x\n" + "}\n".repeat(10_000)
                + "output a\n", "loops");
        parseOrDiagnose("input x = 1\na = x" + " + x".repeat(100_000) + "\noutput a\n", "a long sum");
        StringBuilder nested = new StringBuilder("input x = 1\n");
        for (int k = 0; k < 100; k++) {
            nested.append("for i").append(k).append(" in 1..1 {\n");
        }
        nested.append("a = x\n").append("}\n".repeat(100)).append("output x\n");
        assertEquals(List.of("test.lag:66:1: error: loops are nested more than " + LagParser.MAX_LOOP_DEPTH + " deep"),
                Lag.errors(nested.toString()));
    }

    @Test
    void aMillionLineProgramParsesInSeconds() {
        int lines = 1_000_000;
        StringBuilder s = new StringBuilder(lines * 24);
        s.append("input x = 0.001\na0 = x\n");
        for (int i = 1; i < lines - 2; i++) {
            s.append('a').append(i).append(" = sin(a").append(i - 1).append(") + x * ").append(i % 7).append('\n');
        }
        s.append("output a").append(lines - 3).append('\n');
        String source = s.toString();
        Program p = assertTimeoutPreemptively(PATIENCE, () -> Lag.parse(source));
        assertEquals(1 + 1 + 3 * (lines - 3), p.size(), "x, a0 and per line: sin, x * c, the sum");
        assertEquals(p.nodeNamed("a" + (lines - 3)), p.objective());
    }

    @Test
    void aLoopOfAMillionIterationsUnrollsAndALargerOneIsRefused() {
        Program p = assertTimeoutPreemptively(PATIENCE,
                () -> Lag.parse("input x = 1\nh[0] = x\nfor t in 1..1000000 {\n  h[t] = h[t-1] + x\n}\n"
                        + "output h[1000000]\n"));
        assertEquals(1_000_000 + 2, p.size());
        List<String> errors = assertTimeoutPreemptively(PATIENCE,
                () -> Lag.errors("input x = 1\nfor i in 1..100000000 {\n  a[i] = x\n}\noutput x\n"));
        assertEquals(List.of("test.lag:2:1: error: the program unrolls to more than " + LagParser.MAX_UNROLLED
                + " statements, loop iterations and sum terms"), errors);
    }
}
