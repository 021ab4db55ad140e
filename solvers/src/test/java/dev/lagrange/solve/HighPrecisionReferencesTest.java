package dev.lagrange.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.lang.LagParser;
import dev.lagrange.program.Program;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random programs, acyclic and with an implicit cyclic block, against 50-digit references
 * made by {@code scripts/make-references.py} (mpmath; the gradients by high-precision numerical
 * differentiation, independent of any chain rule): every named value and every gradient component
 * within a relative 1e-12 wherever the true component is at least 1e-300 in magnitude. The script
 * keeps only well-conditioned programs (rounding amplified at most 100 times), so the tolerance
 * measures the solver, not the problem.
 */
class HighPrecisionReferencesTest {
    private static final double RELATIVE = 1e-12;
    private static final double TINY = 1e-300;

    record Case(int number, String source, Map<String, Double> values, Map<String, Double> gradient) {
        @Override
        public String toString() {
            return "program " + number;
        }
    }

    static Stream<Case> cases() throws IOException {
        String text;
        try (InputStream in = HighPrecisionReferencesTest.class.getResourceAsStream(
                "/dev/lagrange/references/random-programs.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        for (String block : text.split("=== program\n")) {
            int split = block.indexOf("--- references\n");
            if (split < 0) {
                continue; // the file's header
            }
            Map<String, Double> values = new LinkedHashMap<>();
            Map<String, Double> gradient = new LinkedHashMap<>();
            for (String line : block.substring(split + "--- references\n".length()).split("\n")) {
                String[] f = line.trim().split(" ");
                (f[0].equals("value") ? values : gradient).put(f[1], Double.parseDouble(f[2]));
            }
            cases.add(new Case(cases.size(), block.substring(0, split), values, gradient));
        }
        assertEquals(150, cases.size(), "the reference file holds 120 acyclic and 30 cyclic programs");
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void valuesAndGradientMatchTheReferences(Case c) {
        Program p = LagParser.parse(c.source(), "program-" + c.number() + ".lag");
        SolveResult r = new BlockCoordinateSolver().solve(p, p.inputDefaults()).orThrow();
        for (Map.Entry<String, Double> e : c.values().entrySet()) {
            assertRelative(e.getValue(), r.value(e.getKey()), "value of " + e.getKey(), c);
        }
        for (Map.Entry<String, Double> e : c.gradient().entrySet()) {
            assertRelative(e.getValue(), r.gradient(e.getKey()), "d objective / d " + e.getKey(), c);
        }
    }

    private static void assertRelative(double expected, double actual, String what, Case c) {
        if (Math.abs(expected) < TINY) {
            assertTrue(Math.abs(actual) < TINY, what + " = " + actual + ", expected 0 within " + TINY + "\n" + c.source());
            return;
        }
        double error = Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(error <= RELATIVE, what + ": " + actual + " vs " + expected + ", relative error " + error + "\n"
                + c.source());
    }
}
