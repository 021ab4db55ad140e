package dev.lagrange.primitive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector primitive's VJP and JVP against central differences of its value, against each other
 * (the dot-product test {@code <t, J^T c> = <c, J t>}) and against its forward-mode version. The
 * arguments lie back to back in one array z: a at {@code [0, wa)}, b at {@code [wa, wa + wb)}.
 */
class VectorPrimitiveTest {
    private static final int W = 5;
    private static final int M = 3;
    private static final int N = 4;

    /**
     * A primitive under test: a vector primitive, and for MAP and ZIP the scalar primitive it applies
     * (with its parameter), so every scalar function is checked in its entrywise form.
     */
    record Kind(VectorPrimitive f, Primitive g, double q) {
        @Override public String toString() {
            return g == null ? f.name() : f + " " + g + (g.hasParameter() ? " " + q : "");
        }
    }

    static Stream<Arguments> cases() {
        // INPUT and STACK read x and the argument list, not (a, b): StackElementTest covers STACK.
        Stream<Kind> plain = Arrays.stream(VectorPrimitive.values())
                .filter(f -> f != VectorPrimitive.INPUT && f != VectorPrimitive.STACK
                        && f != VectorPrimitive.MAP && f != VectorPrimitive.ZIP)
                .map(f -> new Kind(f, null, 0));
        Stream<Kind> maps = Arrays.stream(Primitive.values())
                .filter(g -> g.arity() == 1)
                .flatMap(g -> g.hasParameter() ? Stream.of(-2.0, 2.0, 3.0).map(q -> new Kind(VectorPrimitive.MAP, g, q))
                        : Stream.of(new Kind(VectorPrimitive.MAP, g, 0)));
        Stream<Kind> zips = Arrays.stream(Primitive.values())
                .filter(g -> g.arity() == 2 && g != Primitive.IMPLICIT)
                .map(g -> new Kind(VectorPrimitive.ZIP, g, 0));
        return Stream.of(plain, maps, zips).flatMap(s -> s)
                .flatMap(k -> Stream.of(11L, 12L, 13L).map(seed -> Arguments.of(k, seed)));
    }

    /**
     * SPARSE_MATVEC's test instance: a 3 x 4 matrix with an empty middle row, (m, n, nnz, rowStart,
     * col) = (3, 4, 5, {0, 2, 2, 5}, {1, 3, 0, 2, 3}).
     */
    private static final double[] SPARSE = {M, N, 5, 0, 2, 2, 5, 1, 3, 0, 2, 3};

    /** The parameters and the argument widths {wa, wb} of a test instance of f. */
    private static double[] params(Kind kind) {
        return switch (kind.f()) {
            case MAP -> new double[] {W, kind.g().ordinal(), kind.q()};
            case ZIP -> new double[] {W, kind.g().ordinal()};
            case MATVEC, MATVEC_T, OUTER -> new double[] {M, N};
            case SPARSE_MATVEC -> SPARSE.clone();
            case SCALE -> new double[] {W, -1.7};
            case AFFINE -> new double[] {W, 0.3, -1.7};
            case ELEMENT -> new double[] {2};
            default -> new double[] {W};
        };
    }

    private static int[] argWidths(VectorPrimitive f) {
        if (f == VectorPrimitive.MATVEC) {
            return new int[] {M * N, N};
        }
        if (f == VectorPrimitive.MATVEC_T) {
            return new int[] {M, M * N};
        }
        if (f == VectorPrimitive.OUTER) {
            return new int[] {M, N};
        }
        if (f == VectorPrimitive.SPARSE_MATVEC) {
            return new int[] {(int) SPARSE[2], N};
        }
        if (f == VectorPrimitive.SCALE_BY) {
            return new int[] {1, W};
        }
        return new int[] {W, f.arity() == 2 ? W : 0};
    }

    private static double[] point(Kind kind, Random random) {
        VectorPrimitive f = kind.f();
        int[] w = argWidths(f);
        double[] z = new double[w[0] + w[1]];
        for (int k = 0; k < z.length; k++) {
            // A scalar function's arguments from its own domain (log's positive, tan's within its period)
            Domain domain = kind.g() == null ? Domain.NONZERO : kind.g().domain(k < w[0] ? 0 : 1);
            z[k] = domain.sample(random);
        }
        if (f == VectorPrimitive.CROSS_ENTROPY) {
            for (int k = w[0]; k < z.length; k++) {
                z[k] = Math.abs(z[k]); // a label distribution is non-negative
            }
        }
        return z;
    }

    /** A primitive's parameters, argument widths, a sampled point and its value there. */
    private record Instance(double[] p, int[] w, double[] z, double[] fz) {
        static Instance of(Kind kind, Random random) {
            double[] p = params(kind);
            double[] z = point(kind, random);
            return new Instance(p, argWidths(kind.f()), z, value(kind.f(), p, z));
        }
    }

    private static double[] value(VectorPrimitive f, double[] p, double[] z) {
        int[] w = argWidths(f);
        double[] out = new double[f.width(p, 0)];
        f.value(z, 0, w[0], p, 0, out, 0);
        return out;
    }

    /** The dense Jacobian df/dz by central differences, h = 1e-6 max(1, |z_j|). */
    private static double[][] centralJacobian(VectorPrimitive f, double[] p, double[] z) {
        int m = f.width(p, 0);
        double[][] jac = new double[m][z.length];
        double[] zp = z.clone();
        for (int j = 0; j < z.length; j++) {
            double h = 1e-6 * Math.max(1, Math.abs(z[j]));
            zp[j] = z[j] + h;
            double[] up = value(f, p, zp);
            zp[j] = z[j] - h;
            double[] down = value(f, p, zp);
            zp[j] = z[j];
            for (int r = 0; r < m; r++) {
                jac[r][j] = (up[r] - down[r]) / (2 * h);
            }
        }
        return jac;
    }

    private static void assertClose(double expected, double actual, String where) {
        assertTrue(Math.abs(actual - expected) <= 1e-7 + 1e-6 * Math.abs(expected),
                where + ": expected " + expected + ", got " + actual);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void vjpAndJvpMatchCentralDifferences(Kind kind, long seed) {
        VectorPrimitive f = kind.f();
        Random random = new Random(seed);
        Instance at = Instance.of(kind, random);
        double[] p = at.p();
        int[] w = at.w();
        double[] z = at.z();
        double[] fz = at.fz();
        double[][] jac = centralJacobian(f, p, z);
        int m = fz.length;
        for (int r = 0; r < m; r++) {
            double[] e = new double[m];
            e[r] = 1;
            double[] row = new double[z.length];
            f.vjp(z, 0, w[0], p, 0, fz, 0, e, 0, row, 0, w[0]);
            double[] direct = new double[z.length];
            double[] seedScratch = new double[m];
            f.vjpRow(r, z, 0, w[0], p, 0, fz, 0, seedScratch, direct, 0, w[0]);
            assertTrue(Arrays.stream(seedScratch).allMatch(v -> v == 0), kind + ": vjpRow left its seed dirty");
            for (int j = 0; j < z.length; j++) {
                assertClose(jac[r][j], row[j], kind + " seed " + seed + " VJP d f_" + r + " / d z_" + j);
                assertClose(jac[r][j], direct[j], kind + " seed " + seed + " vjpRow d f_" + r + " / d z_" + j);
                int k = j < w[0] ? 0 : 1;
                int[] support = new int[w[k]];
                int count = f.rowSupport(k, r, w[k], p, 0, support, 0, 0);
                int offset = j - (k == 0 ? 0 : w[0]);
                boolean inSupport = Arrays.stream(support, 0, count).anyMatch(s -> s == offset);
                assertTrue(inSupport || jac[r][j] == 0 && row[j] == 0,
                        kind + " seed " + seed + ": d f_" + r + " / d z_" + j + " = " + row[j] + " outside the row support");
            }
        }
        for (int j = 0; j < z.length; j++) {
            double[] t = new double[z.length];
            t[j] = 1;
            double[] col = new double[m];
            f.jvp(z, 0, w[0], p, 0, fz, 0, t, 0, w[0], col, 0);
            for (int r = 0; r < m; r++) {
                assertClose(jac[r][j], col[r], kind + " seed " + seed + " JVP d f_" + r + " / d z_" + j);
            }
        }
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void dotProductTest(Kind kind, long seed) {
        VectorPrimitive f = kind.f();
        Random random = new Random(seed);
        Instance at = Instance.of(kind, random);
        double[] p = at.p();
        int[] w = at.w();
        double[] z = at.z();
        double[] fz = at.fz();
        double[] t = new double[z.length];
        double[] c = new double[fz.length];
        for (int k = 0; k < t.length; k++) {
            t[k] = random.nextGaussian();
        }
        for (int k = 0; k < c.length; k++) {
            c[k] = random.nextGaussian();
        }
        double[] jt = new double[fz.length];
        f.jvp(z, 0, w[0], p, 0, fz, 0, t, 0, w[0], jt, 0);
        double[] jtc = new double[z.length];
        f.vjp(z, 0, w[0], p, 0, fz, 0, c, 0, jtc, 0, w[0]);
        double left = 0;
        double scale = 0;
        for (int k = 0; k < t.length; k++) {
            left += t[k] * jtc[k];
            scale += Math.abs(t[k] * jtc[k]);
        }
        double right = 0;
        for (int k = 0; k < c.length; k++) {
            right += c[k] * jt[k];
        }
        assertEquals(right, left, 1e-13 * Math.max(1, scale), kind + " seed " + seed + ": <t, J^T c> vs <c, J t>");
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void forwardModeAgreesWithVjp(Kind kind, long seed) {
        VectorPrimitive f = kind.f();
        Random random = new Random(seed);
        Instance at = Instance.of(kind, random);
        double[] p = at.p();
        int[] w = at.w();
        double[] z = at.z();
        double[] fz = at.fz();
        DerivativeStructure[] zd = new DerivativeStructure[z.length];
        for (int j = 0; j < z.length; j++) {
            zd[j] = new DerivativeStructure(z.length, 1, j, z[j]);
        }
        DerivativeStructure[] out = new DerivativeStructure[fz.length];
        f.value(zd, 0, w[0], p, 0, out, 0);
        int[] orders = new int[z.length];
        for (int r = 0; r < fz.length; r++) {
            assertEquals(fz[r], out[r].getValue(), 1e-13 * Math.max(1, Math.abs(fz[r])), kind + " seed " + seed + " value " + r);
            double[] e = new double[fz.length];
            e[r] = 1;
            double[] row = new double[z.length];
            f.vjp(z, 0, w[0], p, 0, fz, 0, e, 0, row, 0, w[0]);
            for (int j = 0; j < z.length; j++) {
                orders[j] = 1;
                double expected = out[r].getPartialDerivative(orders);
                orders[j] = 0;
                assertEquals(expected, row[j], 1e-12 * Math.max(1, Math.abs(expected)),
                        kind + " seed " + seed + " d f_" + r + " / d z_" + j);
            }
        }
    }
}
