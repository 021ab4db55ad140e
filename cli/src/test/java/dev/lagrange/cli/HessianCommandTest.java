package dev.lagrange.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lagrange hessian}: the matrix, its eigenvalues and the verdict, against closed forms. */
class HessianCommandTest {
    @TempDir
    Path dir;

    /** The command with the real parser. */
    private static MainTest.Run run(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int status = Main.run(args, new java.io.ByteArrayInputStream(new byte[0]), new java.io.PrintWriter(out),
                new java.io.PrintWriter(err));
        return new MainTest.Run(status, out.toString(), err.toString());
    }

    private String file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p.toString();
    }

    /** {@code (a - 1)^2 + 3 (b + 2)^2 + (a - 1)(b + 2)} at its minimum: H = [[2, 1], [1, 6]], eigenvalues 4 -+ sqrt 5. */
    @Test
    void aMinimumHasItsHessianAndEigenvalues() throws IOException {
        String f = file("min.lag", "input a = 1\ninput b = -2\nf = (a - 1)^2 + 3 * (b + 2)^2 + (a - 1) * (b + 2)\noutput f\n");
        MainTest.Run r = run("hessian", f, "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("\"hessian\": [\n    [2.0, 1.0],\n    [1.0, 6.0]\n  ]"), r.out());
        assertTrue(r.out().contains("\"eigenvalues\": [" + (4 - Math.sqrt(5)) + ", " + (4 + Math.sqrt(5)) + "]")
                || r.out().contains("\"eigenvalues\": [1.76393202250021"), r.out());
        assertTrue(r.out().contains("\"point\": \"strict local minimum (positive definite)\""), r.out());
        MainTest.Run table = run("hessian", f);
        assertTrue(table.out().contains("point        strict local minimum (positive definite)"), table.out());
    }

    @Test
    void aSaddleAwayFromStationarityIsSaid() throws IOException {
        String f = file("saddle.lag", "input a = 0.5\ninput b = 0.3\nf = a * a - b * b\noutput f\n");
        MainTest.Run r = run("hessian", f);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("eigenvalues  -2.0 .. 2.0"), r.out());
        assertTrue(r.out().contains("not a stationary point (max |gradient| = 1.0); the curvature there: saddle"), r.out());
    }

    /** {@code sum(x * x) + dot(a, x)} over the vector inputs x and a: H = [[2 I, I], [I, 0]]. */
    @Test
    void aVectorProgramsHessian() throws IOException {
        String f = file("vec.lag", "input x[1..2, 1] = [-0.5, 1]\ninput a[1..2, 1] = [1, -2]\nf = sum(x * x) + dot(a, x)\noutput f\n");
        MainTest.Run r = run("hessian", f, "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("\"inputs\": [\"x[1]\", \"x[2]\", \"a[1]\", \"a[2]\"]"), r.out());
        assertTrue(r.out().contains("[2.0, 0.0, 1.0, 0.0]"), r.out());
        // over (x, a) jointly the bilinear a.x makes it indefinite: eigenvalues 1 -+ sqrt 2, each twice;
        // and df/da = x is not zero there
        assertTrue(r.out().contains("the curvature there: saddle"), r.out());
        assertTrue(r.out().contains("\"eigenvalues\": [-0.414213562373095"), r.out());
    }

    /**
     * Kepler's E = M + e sin(E) through its cyclic block: d2E/dM2 = -e sin E / (1 - e cos E)^3 in
     * closed form, the others from a 40-digit reference (mpmath).
     */
    @Test
    void aCyclicProgramsHessianByImplicitDifferentiation() throws IOException {
        String f = file("kepler.lag", "input M = 1, e = 0.5\nE = M + e * sin(E)\ninit E = 1\noutput E\n");
        MainTest.Run r = run("hessian", f, "--json");
        assertEquals(0, r.status(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "\\[(-?[0-9.eE-]+), (-?[0-9.eE-]+)\\],\\s*\\[(-?[0-9.eE-]+), (-?[0-9.eE-]+)\\]").matcher(r.out());
        assertTrue(m.find(), r.out());
        double e = 0.5;
        double anomaly = 1.498701133517848314057985497256239901591;
        double mm = -e * Math.sin(anomaly) / Math.pow(1 - e * Math.cos(anomaly), 3);
        assertEquals(mm, Double.parseDouble(m.group(1)), 1e-15);
        assertEquals(-0.4777509557247130013041641218810823066459, Double.parseDouble(m.group(2)), 1e-15);
        assertEquals(-0.3991953667411493625052647564103181411644, Double.parseDouble(m.group(4)), 1e-15);
        assertTrue(r.out().contains("not a stationary point"), r.out());
    }

    /**
     * The Rosenbrock chain over 8 inputs at x_k = (k - 1) / 10: tridiagonal, 15 nonzeros from 3
     * products; H_{k+1,k} = -400 x_k and H_11 = 1200 x_1^2 - 400 x_2 + 2 = -38.
     */
    @Test
    void sparseHessianAsTripletsWithItsColourCount() throws IOException {
        String f = file("rosen.lag", "input x[1..8] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]\n"
                + "f = sum(k in 1..7: 100 * (x[k+1] - x[k]^2)^2 + (1 - x[k])^2)\noutput f\n");
        MainTest.Run r = run("hessian", f, "--sparse");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("x[1]    x[1]    -38.0"), r.out());
        assertTrue(r.out().contains("x[3]    x[2]    -40.0"), r.out());
        assertTrue(r.out().contains("nonzeros     15 in the lower triangle, of 36"), r.out());
        assertTrue(r.out().contains("products     3 Hessian-vector products (colours), for 8 inputs"), r.out());
        MainTest.Run j = run("hessian", f, "--sparse", "--json");
        assertEquals(0, j.status(), j.err());
        assertTrue(j.out().contains("[\"x[8]\", \"x[7]\", -240.0]"), j.out());
        assertTrue(j.out().contains("\"products\": 3"), j.out());
    }

    /** relu at 0 and a tie of max: warned by name, with the conventions used; the Hessian is still printed. */
    @Test
    void aPointAtAKinkIsWarnedAbout() throws IOException {
        String f = file("kink.lag", "input a = 0, b = 2, c = 2\nh = relu(a) * b\nm = max(b, c)\nf = h * h + m * a^2\noutput f\n");
        MainTest.Run r = run("hessian", f, "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("warning: at a kink, '") && r.err().contains("= relu(a = 0.0): relu is not differentiable at 0"),
                r.err());
        assertTrue(r.err().contains("'m' = max(b = 2.0, c = 2.0): max is not differentiable where its arguments tie"),
                r.err());
        assertTrue(r.out().contains("\"warnings\": [\""), r.out());
        // f = relu(a)^2 b^2 + max(b, c) a^2: d2f/da2 = 2 b^2 [a > 0] + 2 max(b, c) = 4 at a = 0 (relu'(0) = 0)
        assertTrue(r.out().contains("[4.0, 0.0, 0.0]"), r.out());
    }

    /**
     * {@code solve --hvp}: one product through Kepler's cycle, H v with v = (1, 0.5) against the
     * 40-digit Hessian: -0.5567130326685878 - 0.5 * 0.4777509557247130.
     */
    @Test
    void solvePrintsOneHessianVectorProduct() throws IOException {
        String f = file("kepler.lag", "input M = 1, e = 0.5\nE = M + e * sin(E)\ninit E = 1\noutput E\n");
        MainTest.Run r = run("solve", f, "--hvp", "M=1", "--hvp", "e=0.5", "--json");
        assertEquals(0, r.status(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "\"product\": \\{\\s*\"M\": ([-0-9.eE]+),\\s*\"e\": ([-0-9.eE]+)")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(-0.5567130326685877794636 - 0.5 * 0.4777509557247130013041, Double.parseDouble(m.group(1)), 1e-15);
        assertEquals(-0.4777509557247130013041 - 0.5 * 0.3991953667411493625053, Double.parseDouble(m.group(2).strip()),
                1e-15);
        MainTest.Run bad = run("solve", f, "--hvp", "E=1");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--hvp E=1: 'E' is not an input"), bad.err());
    }

    @Test
    void aCycleThatDoesNotSolveEndsWithItsMessage() throws IOException {
        String f = file("singular.lag", "input a = 1\nu = u + a\noutput u\n");
        MainTest.Run r = run("hessian", f);
        assertEquals(3, r.status());
        assertTrue(r.err().contains("singular") && r.err().contains("block {u}"), r.err());
    }
}
