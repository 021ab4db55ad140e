package dev.lagrange.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.lang.LagParser;
import dev.lagrange.primitive.Primitive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each unary function's value and derivative against 60-digit references (scripts/make-references.py,
 * mpmath) over its whole range, large arguments included, in the three places a derivative is
 * computed: the primitive's local partial (back-substitution), the elementwise vector map, and the
 * adjoint program's symbolic partial. tanh' at 20 is 1.7e-17 and sigmoid' at 30 is 9.4e-14, which
 * 1 - tanh^2 and s (1 - s) get wrong entirely or at the 1e-3 level.
 */
class PartialsReferenceTest {
    /**
     * Relative error allowed: four ulps of 1, at every point (sin and cos at 100 and tan near its pole
     * included, since the references are taken at the exact double argument).
     */
    private static final double ULPS = 4 * Math.ulp(1.0);
    /** Second partials combine a few more roundings (-2 z tanh'(a), -a d^3): eight ulps. */
    private static final double SECOND_ULPS = 8 * Math.ulp(1.0);

    record Point(String function, double argument, double value, double derivative, double second) {
        @Override
        public String toString() {
            return function + "(" + argument + ")";
        }
    }

    static Stream<Point> points() throws IOException {
        String text;
        try (InputStream in = PartialsReferenceTest.class.getResourceAsStream("/dev/lagrange/references/partials.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return text.lines().filter(l -> !l.startsWith("#")).map(l -> l.split(" "))
                .map(f -> new Point(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void thePrimitivesPartial(Point p) {
        Primitive f = Primitive.valueOf(p.function().toUpperCase());
        double z = f.value(p.argument(), 0, 0);
        assertRelative(p.value(), z, ULPS, "value");
        assertRelative(p.derivative(), f.partialA(p.argument(), 0, 0, z), ULPS, "partial");
        double second = f.partialAA(p.argument(), 0, 0, z);
        if (Double.isInfinite(p.second())) {
            assertEquals(p.second(), second, "a second partial beyond the doubles");
        } else if (Math.abs(p.second()) < Double.MIN_NORMAL) {
            assertTrue(Math.abs(second) < 1e-300, "second partial " + second + ", expected below the normal doubles");
        } else {
            assertRelative(p.second(), second, SECOND_ULPS, "second partial");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void backSubstitutionAndTheAdjointProgram(Point p) {
        Program program = LagParser.parse("input x = " + p.argument() + "\ny = " + p.function() + "(x)\noutput y\n",
                "point.lag");
        double[] z = AdjointTest.evaluate(program, program.inputDefaults());
        double[] lambda = AdjointTest.multipliers(program, z);
        assertRelative(p.derivative(), lambda[program.slot(program.input(0))], ULPS, "back-substitution");
        assertRelative(p.derivative(), AdjointTest.adjointGradient(Adjoint.of(program), program.inputDefaults())[0],
                ULPS, "adjoint program");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void theElementwiseVectorMapAndItsAdjoint(Point p) {
        assertTrue(Primitive.valueOf(p.function().toUpperCase()).isElementwise(), p.function() + " maps over vectors");
        String source = "input v[1..2, 1] = [" + p.argument() + ", 0.5]\nh = " + p.function() + "(v)\n"
                + "s = dot(h, [1, 0])\noutput s\n";
        Program program = LagParser.parse(source, "map.lag");
        int v = program.input(0);
        assertEquals(2, program.width(v), "v is one vector node");
        double[] z = AdjointTest.evaluate(program, program.inputDefaults());
        double[] lambda = AdjointTest.multipliers(program, z);
        assertRelative(p.value(), z[program.slot(program.nodeNamed("h"))], ULPS, "vector value");
        assertRelative(p.derivative(), lambda[program.slot(v)], ULPS, "vector back-substitution");

        Program adjoint = Adjoint.of(program);
        double[] za = AdjointTest.evaluate(adjoint, program.inputDefaults());
        int gradient = adjoint.nodeNamed("grad_v");
        assertEquals(2, adjoint.width(gradient), "grad_v is one vector node");
        assertRelative(p.derivative(), za[adjoint.slot(gradient)], ULPS, "vector adjoint program");
    }

    private static void assertRelative(double expected, double actual, double relative, String what) {
        double error = expected == 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(error <= relative, what + ": " + actual + " vs " + expected + " (relative error " + error + ")");
    }
}
