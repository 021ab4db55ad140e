package dev.lagrange.primitive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every primitive's hand-written partials against two independent sources: central differences of
 * its value, and its own forward-mode {@link DerivativeStructure} rule. Kinks, overflow and the
 * integer fast paths of POWC are tested at the points where they matter.
 */
class PrimitiveTest {
    private static final int SAMPLES = 200;
    /** Exponents for POWC: the fast paths 0, 1, 2, other integers, and fractions (positive base only). */
    private static final double[] EXPONENTS = {0, 1, 2, 3, 4, -1, -2, 0.5, 1.5, -0.5, 2.7};

    /** The fixed-arity primitives with a local function of their arguments. */
    static Stream<Primitive> localFunctions() {
        return Stream.of(Primitive.values()).filter(f -> f != Primitive.INPUT && f != Primitive.CONSTANT
                && f != Primitive.WEIGHTED_SUM);
    }

    /** One sampled point of a primitive: arguments in its domain and a parameter where it takes one. */
    private record Point(double a, double b, double p) {
        static Point sample(Primitive f, Random random) {
            double a = f.domain(0).sample(random);
            double b = f.domain(1).sample(random);
            double p = 0;
            if (f == Primitive.POWC) {
                p = EXPONENTS[random.nextInt(EXPONENTS.length)];
                if (p != Math.rint(p)) {
                    a = Math.abs(a); // a fractional power of a negative number is not real
                }
            }
            return new Point(a, b, p);
        }
    }

    @ParameterizedTest
    @MethodSource("localFunctions")
    void partialsMatchCentralDifferences(Primitive f) {
        Random random = new Random(345 + f.ordinal());
        double[] d = new double[2];
        for (int s = 0; s < SAMPLES; s++) {
            Point q = Point.sample(f, random);
            if (kinkWithin(f, q, 1e-3)) {
                continue; // a difference across a kink measures no derivative
            }
            double z = f.value(q.a, q.b, q.p);
            f.partials(q.a, q.b, q.p, z, d);
            for (int k = 0; k < f.arity(); k++) {
                double fd = centralDifference(f, q, k);
                double ad = d[k];
                char arg = "ab".charAt(k);
                assertTrue(Math.abs(ad - fd) <= 1e-7 + 1e-6 * Math.abs(fd),
                        () -> f + " df/d" + arg + " at " + q + ": analytic " + ad + " vs central difference " + fd);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("localFunctions")
    void partialsMatchForwardMode(Primitive f) {
        Random random = new Random(912 + f.ordinal());
        double[] d = new double[2];
        for (int s = 0; s < SAMPLES; s++) {
            Point q = Point.sample(f, random);
            DerivativeStructure a = new DerivativeStructure(2, 1, 0, q.a);
            DerivativeStructure b = new DerivativeStructure(2, 1, 1, q.b);
            DerivativeStructure ds = f.value(a, b, q.p);
            double z = f.value(q.a, q.b, q.p);
            f.partials(q.a, q.b, q.p, z, d);
            assertClose(ds.getValue(), z, 1e-14, f + " value at " + q);
            assertClose(ds.getPartialDerivative(1, 0), d[0], 1e-13, f + " df/da at " + q);
            if (f.arity() == 2) {
                assertClose(ds.getPartialDerivative(0, 1), d[1], 1e-13, f + " df/db at " + q);
            } else {
                assertEquals(0.0, ds.getPartialDerivative(0, 1), 0.0, f + " is unary but depends on b at " + q);
            }
        }
    }

    /** The second partials against forward mode of order 2, the primitive's own independent rule. */
    @ParameterizedTest
    @MethodSource("localFunctions")
    void secondPartialsMatchForwardModeOfOrderTwo(Primitive f) {
        Random random = new Random(4711 + f.ordinal());
        double[] h = new double[3];
        for (int s = 0; s < SAMPLES; s++) {
            Point q = Point.sample(f, random);
            if (kinkWithin(f, q, 1e-3)) {
                continue;
            }
            DerivativeStructure a = new DerivativeStructure(2, 2, 0, q.a);
            DerivativeStructure b = new DerivativeStructure(2, 2, 1, q.b);
            DerivativeStructure ds = f.value(a, b, q.p);
            f.secondPartials(q.a, q.b, q.p, f.value(q.a, q.b, q.p), h);
            assertClose(ds.getPartialDerivative(2, 0), h[0], 1e-12, f + " d2f/da2 at " + q);
            if (f.arity() == 2) {
                assertClose(ds.getPartialDerivative(1, 1), h[1], 1e-12, f + " d2f/dadb at " + q);
                assertClose(ds.getPartialDerivative(0, 2), h[2], 1e-12, f + " d2f/db2 at " + q);
            }
        }
    }

    @Test
    void kinkConventions() {
        double[] d = new double[2];
        Primitive.ABS.partials(0, 0, 0, 0, d);
        assertEquals(0.0, d[0], "abs'(0)");
        Primitive.ABS.partials(-0.0, 0, 0, 0, d);
        assertEquals(0.0, d[0], "abs'(-0)");
        Primitive.RELU.partials(0, 0, 0, 0, d);
        assertEquals(0.0, d[0], "relu'(0)");
        for (Primitive f : new Primitive[] {Primitive.MAX, Primitive.MIN}) {
            assertEquals(1.5, f.value(1.5, 1.5, 0), f + " value on a tie");
            f.partials(1.5, 1.5, 0, 1.5, d);
            assertEquals(1.0, d[0], f + " on a tie: the first argument takes the derivative");
            assertEquals(0.0, d[1], f + " on a tie: the second argument gets none");
        }
        // The forward-mode rules must follow the same conventions, or the gradient check would
        // report a disagreement at every kink.
        DerivativeStructure zero = new DerivativeStructure(2, 1, 0, 0.0);
        DerivativeStructure tie = new DerivativeStructure(2, 1, 1, 0.0);
        assertEquals(0.0, Primitive.ABS.value(zero, tie, 0).getPartialDerivative(1, 0), "forward-mode abs'(0)");
        assertEquals(0.0, Primitive.RELU.value(zero, tie, 0).getPartialDerivative(1, 0), "forward-mode relu'(0)");
        for (Primitive f : new Primitive[] {Primitive.MAX, Primitive.MIN}) {
            DerivativeStructure v = f.value(zero, tie, 0);
            assertEquals(1.0, v.getPartialDerivative(1, 0), "forward-mode " + f + " on a tie, first argument");
            assertEquals(0.0, v.getPartialDerivative(0, 1), "forward-mode " + f + " on a tie, second argument");
        }
    }

    @Test
    void sigmoidAndSoftplusDoNotOverflow() {
        double[] d = new double[2];
        for (double a : new double[] {-800, -40, 0, 40, 800}) {
            double sigma = Primitive.SIGMOID.value(a, 0, 0);
            double expected = a > 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
            assertEquals(expected, sigma, 1e-16 * Math.abs(expected), "sigmoid(" + a + ")");
            Primitive.SIGMOID.partials(a, 0, 0, sigma, d);
            assertTrue(Double.isFinite(d[0]) && d[0] >= 0 && d[0] <= 0.25, "sigmoid'(" + a + ") = " + d[0]);

            double softplus = Primitive.SOFTPLUS.value(a, 0, 0);
            // log(1 + e^a) = a + log(1 + e^-a) = e^a (1 - e^a/2 + ...): closed forms far from 0.
            double reference = a >= 40 ? a + Math.exp(-a) : a <= -40 ? Math.exp(a) : Math.log(2);
            assertEquals(reference, softplus, 1e-15 * Math.abs(reference), "softplus(" + a + ")");
            Primitive.SOFTPLUS.partials(a, 0, 0, softplus, d);
            assertEquals(sigma, d[0], "softplus'(" + a + ") is sigmoid(" + a + ")");

            DerivativeStructure x = new DerivativeStructure(1, 1, 0, a);
            DerivativeStructure s = Primitive.SIGMOID.value(x, null, 0);
            DerivativeStructure sp = Primitive.SOFTPLUS.value(x, null, 0);
            assertEquals(sigma, s.getValue(), 1e-16 * sigma, "forward-mode sigmoid(" + a + ")");
            assertEquals(sigma * (1 - sigma), s.getPartialDerivative(1), 1e-15, "forward-mode sigmoid'(" + a + ")");
            assertEquals(softplus, sp.getValue(), 1e-15 * softplus, "forward-mode softplus(" + a + ")");
            assertEquals(sigma, sp.getPartialDerivative(1), 1e-15, "forward-mode softplus'(" + a + ")");
        }
        assertEquals(1.0, Primitive.SIGMOID.value(800, 0, 0));
        assertEquals(0.0, Primitive.SIGMOID.value(-800, 0, 0));
        assertEquals(800.0, Primitive.SOFTPLUS.value(800, 0, 0));
        assertEquals(0.0, Primitive.SOFTPLUS.value(-800, 0, 0));
    }

    @Test
    void powcIntegerFastPaths() {
        double[] d = new double[2];
        Random random = new Random(77);
        for (int s = 0; s < 100; s++) {
            double a = 4 * random.nextDouble() - 2;
            assertEquals(a * a, Primitive.POWC.value(a, 0, 2), "a^2 is a*a exactly, a = " + a);
            Primitive.POWC.partials(a, 0, 2, a * a, d);
            assertEquals(2 * a, d[0], "d(a^2)/da is 2a exactly, a = " + a);
            Primitive.POWC.partials(a, 0, 1, a, d);
            assertEquals(1.0, d[0], "d(a^1)/da, a = " + a);
            assertEquals(1.0, Primitive.POWC.value(a, 0, 0), "a^0, a = " + a);
            Primitive.POWC.partials(a, 0, 0, 1, d);
            assertEquals(0.0, d[0], "d(a^0)/da, a = " + a);
            assertEquals(a * a * a, Primitive.POWC.value(a, 0, 3), 1e-15 * Math.abs(a * a * a), "a^3, a = " + a);
        }
        // At a = 0 the general rule p * a^(p - 1) would give 0 * 0^-1 = NaN for p = 0.
        Primitive.POWC.partials(0, 0, 0, 1, d);
        assertEquals(0.0, d[0], "d(a^0)/da at 0");
        Primitive.POWC.partials(0, 0, 1, 0, d);
        assertEquals(1.0, d[0], "d(a^1)/da at 0");
        Primitive.POWC.partials(0, 0, 2, 0, d);
        assertEquals(0.0, d[0], "d(a^2)/da at 0");
        assertEquals(-8.0, Primitive.POWC.value(-2, 0, 3), "(-2)^3");
        Primitive.POWC.partials(-2, 0, 3, -8, d);
        assertEquals(12.0, d[0], "d(a^3)/da at -2");
        DerivativeStructure x = new DerivativeStructure(1, 1, 0, -2.0);
        assertEquals(12.0, Primitive.POWC.value(x, null, 3).getPartialDerivative(1), 1e-14,
                "forward-mode d(a^3)/da at -2 (an integer power of a negative base)");
    }

    @Test
    void powConventionsAtZero() {
        double[] d = new double[2];
        Primitive.POW.partials(0, 2, 0, 0, d);
        assertEquals(0.0, d[0], "d(a^b)/da at (0, 2)");
        assertEquals(0.0, d[1], "d(a^b)/db at a = 0 is taken as 0, not 0 * log 0");
        Primitive.POW.partials(3, 0, 0, 1, d);
        assertEquals(0.0, d[0], "d(a^b)/da at b = 0");
        assertEquals(Math.log(3), d[1], 1e-16, "d(a^b)/db at (3, 0)");
    }

    @Test
    void symbolsAreDistinct() {
        long distinct = Stream.of(Primitive.values()).map(Primitive::symbol).distinct().count();
        assertEquals(Primitive.values().length, distinct);
        for (Primitive f : Primitive.values()) {
            assertEquals(f, Primitive.ofOrdinal(f.ordinal()));
        }
    }

    private static double centralDifference(Primitive f, Point q, int k) {
        double x = k == 0 ? q.a : q.b;
        double h = 1e-6 * Math.max(1, Math.abs(x));
        double up = k == 0 ? f.value(q.a + h, q.b, q.p) : f.value(q.a, q.b + h, q.p);
        double down = k == 0 ? f.value(q.a - h, q.b, q.p) : f.value(q.a, q.b - h, q.p);
        return (up - down) / (2 * h);
    }

    /** Whether a kink of {@code f} lies within {@code eps} of the point. */
    private static boolean kinkWithin(Primitive f, Point q, double eps) {
        switch (f) {
            case MAX, MIN:
                return Math.abs(q.a - q.b) < eps;
            case ABS, RELU:
                return Math.abs(q.a) < eps;
            default:
                return false;
        }
    }

    private static void assertClose(double expected, double actual, double relative, String what) {
        assertTrue(Math.abs(expected - actual) <= relative * Math.max(1, Math.abs(expected)),
                () -> what + ": forward mode " + expected + " vs " + actual);
    }
}
