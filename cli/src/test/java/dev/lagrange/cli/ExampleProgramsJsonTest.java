package dev.lagrange.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.Test;

/**
 * Every program in examples/programs through {@code lagrange solve --json --check}, its JSON
 * against numbers computed here independently: closed forms, or a hand-written forward-mode
 * recursion. Tolerances are relative to the magnitudes involved.
 */
class ExampleProgramsJsonTest {
    private static final Path PROGRAMS = Path.of("..", "examples", "programs");

    private static Map<String, Object> solve(String program, String... extra) {
        Path file = PROGRAMS.resolve(program);
        assertTrue(Files.isRegularFile(file), file.toAbsolutePath().toString());
        String[] args = new String[3 + extra.length];
        args[0] = "solve";
        args[1] = file.toString();
        args[2] = "--json";
        System.arraycopy(extra, 0, args, 3, extra.length);
        LagEndToEndTest.Run r = LagEndToEndTest.run(args);
        assertEquals(0, r.status(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MiniJson.object(r.out());
        assertEquals("converged", json.get("status"));
        return json;
    }

    @SuppressWarnings("unchecked")
    private static double get(Map<String, Object> json, String section, String name) {
        return (Double) ((Map<String, Object>) json.get(section)).get(name);
    }

    @Test
    void seed() {
        var j = solve("seed.lag", "--check");
        assertEquals(77.86615550195191, (Double) j.get("value"), 1e-15 * 78 * 4);
        assertEquals(555.9719679015081, get(j, "gradient", "x"), 1e-15 * 556 * 4);
        assertEquals(337.2140444730328, get(j, "multipliers", "a"), 1e-12);
        assertEquals(78.46854058534002, get(j, "multipliers", "c"), 1e-13);
    }

    @Test
    void chainRule() {
        var j = solve("chain-rule.lag", "--check");
        double e = Math.exp(0.5 * -1.5);
        assertEquals(e + 2, (Double) j.get("value"), 1e-15);
        assertEquals(-1.5 * e, get(j, "gradient", "x"), 1e-15);
        assertEquals(0.5 * e, get(j, "gradient", "y"), 1e-15);
        assertEquals(1, get(j, "gradient", "w"), 0);
    }

    @Test
    void sumProduct() {
        var j = solve("autodiff-sum-product.lag", "--check");
        assertEquals(-12, (Double) j.get("value"), 0);
        assertEquals(-4, get(j, "gradient", "x"), 0);
        assertEquals(-4, get(j, "gradient", "y"), 0);
        assertEquals(3, get(j, "gradient", "z"), 0);
        assertEquals(-4, get(j, "multipliers", "q"), 0);
    }

    @Test
    void cubic() {
        var j = solve("cubic.lag", "--check");
        assertEquals(2 * 3.375 + 7, (Double) j.get("value"), 0);
        assertEquals(6 * 2.25, get(j, "gradient", "x"), 1e-14);
    }

    @Test
    void recurrenceAgainstAHandWrittenTangentRecursion() {
        var j = solve("recurrence.lag", "--check");
        double w = 1.3;
        double h = 0.1;
        double z = 0.5;
        double dz0 = 1;
        double dw = 0;
        double dh = 0;
        for (int t = 1; t <= 20; t++) {
            double c = Math.cos(w * z);
            double s = Math.sin(w * z);
            double nextDz0 = dz0 + h * w * c * dz0;
            double nextDw = dw + h * c * (z + w * dw);
            double nextDh = dh + s + h * w * c * dh;
            z += h * s;
            dz0 = nextDz0;
            dw = nextDw;
            dh = nextDh;
        }
        assertEquals(z, (Double) j.get("value"), 1e-15);
        assertEquals(dz0, get(j, "gradient", "z[0]"), 1e-14);
        assertEquals(dw, get(j, "gradient", "w"), 1e-14);
        assertEquals(dh, get(j, "gradient", "h"), 1e-14);
    }

    @Test
    void softmaxCrossEntropy() {
        var j = solve("softmax-xent.lag", "--check");
        double[] s = {1.0, 2.0, 0.5, -1.0};
        double zSum = 0;
        for (double v : s) {
            zSum += Math.exp(v);
        }
        assertEquals(Math.log(zSum) - 2.0, (Double) j.get("value"), 1e-15);
        for (int i = 0; i < 4; i++) {
            double p = Math.exp(s[i]) / zSum;
            assertEquals(p - (i == 1 ? 1 : 0), get(j, "gradient", "s[" + (i + 1) + "]"), 1e-15, "s[" + (i + 1) + "]");
            assertEquals(p, get(j, "values", "p[" + (i + 1) + "]"), 1e-15);
        }
    }

    @Test
    void kepler() {
        var j = solve("kepler.lag", "--check");
        double e = 1.498701133517848;
        assertEquals(e, get(j, "values", "E"), 1e-15);
        assertEquals(1 / (1 - 0.5 * Math.cos(e)), get(j, "gradient", "M"), 1e-14);
        assertEquals(Math.sin(e) / (1 - 0.5 * Math.cos(e)), get(j, "gradient", "e"), 1e-14);
    }

    @Test
    void circleLine() {
        // u = r / sqrt(1 + a^2), v = a u, f = r (1 + a) / sqrt(1 + a^2).
        var j = solve("circle-line.lag", "--check");
        double q = Math.sqrt(1.25);
        assertEquals(2 * 1.5 / q, (Double) j.get("value"), 1e-14);
        assertEquals(1.5 / q, get(j, "gradient", "r"), 1e-14);
        assertEquals(2 * (1 / q - 1.5 * 0.5 / (q * q * q)), get(j, "gradient", "a"), 1e-14);
    }

    @Test
    void ridgeOneDimensional() {
        var j = solve("ridge-1d.lag", "--check");
        assertEquals(7.0 / 6, get(j, "values", "theta"), 1e-15);
        assertEquals(25.0 / 72, (Double) j.get("value"), 1e-15);
        assertEquals(35.0 / 216, get(j, "gradient", "lambda"), 1e-15);
    }

    @Test
    void ridgeTwoDimensional() {
        var j = solve("ridge-2d.lag", "--check");
        assertEquals(169.0 / 578, (Double) j.get("value"), 1e-15);
        assertEquals(-1508.0 / 4913, get(j, "gradient", "lambda"), 1e-15);
    }

    /** h = tanh(W x + b), f = 1/2 |h - y|^2 + 0.1 |h|^2: the gradient by the chain rule written out. */
    @Test
    void tanhLayer() {
        var j = solve("tanh-layer.lag", "--check");
        double[] w = {0.3, -0.2, 0.5, 0.1, -0.4, 0.25, 0.05, -0.3, 0.2, 0.15, -0.1, 0.35};
        double[] x = {1.0, -0.5, 0.25, 2.0};
        double[] b = {0.1, -0.2, 0.05};
        double[] y = {0.2, -0.1, 0.4};
        double f = 0;
        double[] g = new double[3]; // dF/d(W x + b)
        for (int r = 0; r < 3; r++) {
            double s = b[r];
            for (int c = 0; c < 4; c++) {
                s += w[4 * r + c] * x[c];
            }
            double h = Math.tanh(s);
            f += 0.5 * (h - y[r]) * (h - y[r]) + 0.1 * h * h;
            double dh = h - y[r] + 0.2 * h;
            g[r] = dh * (1 - h * h);
            assertEquals(h, get(j, "values", "h[" + (r + 1) + "]"), 1e-15);
            assertEquals(dh, get(j, "multipliers", "h[" + (r + 1) + "]"), 1e-15);
            assertEquals(g[r], get(j, "gradient", "b[" + (r + 1) + "]"), 1e-15);
            assertEquals(-(h - y[r]), get(j, "gradient", "y[" + (r + 1) + "]"), 1e-15);
            for (int c = 0; c < 4; c++) {
                assertEquals(g[r] * x[c], get(j, "gradient", "W[" + (r + 1) + "," + (c + 1) + "]"), 1e-15);
                assertEquals(w[4 * r + c], get(j, "values", "W[" + (r + 1) + "," + (c + 1) + "]"), 0);
            }
        }
        assertEquals(f, (Double) j.get("value"), 1e-15);
        for (int c = 0; c < 4; c++) {
            double dx = 0;
            for (int r = 0; r < 3; r++) {
                dx += g[r] * w[4 * r + c];
            }
            assertEquals(dx, get(j, "gradient", "x[" + (c + 1) + "]"), 1e-15);
        }
        assertEquals(12 + 4 + 3 + 3, ((Map<?, ?>) j.get("gradient")).size());
    }

    /** v = r + 0.9 P v against (I - 0.9 P)^-1 r from EJML, and its gradients through the occupancy u. */
    @Test
    void mdpVector() {
        var j = solve("mdp-vector.lag", "--check");
        SimpleMatrix p = new SimpleMatrix(3, 3, true, 0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.5, 0.0, 0.5);
        SimpleMatrix r = new SimpleMatrix(3, 1, true, 1.0, 0.0, 2.0);
        SimpleMatrix p0 = new SimpleMatrix(3, 1, true, 0.5, 0.25, 0.25);
        SimpleMatrix a = SimpleMatrix.identity(3).minus(p.scale(0.9));
        SimpleMatrix v = a.solve(r);
        SimpleMatrix u = a.transpose().solve(p0);
        assertEquals(p0.dot(v), (Double) j.get("value"), 1e-13);
        for (int i = 0; i < 3; i++) {
            String k = "[" + (i + 1) + "]";
            assertEquals(v.get(i), get(j, "values", "v" + k), 1e-13);
            assertEquals(u.get(i), get(j, "multipliers", "v" + k), 1e-13);
            assertEquals(u.get(i), get(j, "gradient", "r" + k), 1e-13);
            assertEquals(v.get(i), get(j, "gradient", "p0" + k), 1e-13);
            for (int c = 0; c < 3; c++) {
                assertEquals(0.9 * u.get(i) * v.get(c), get(j, "gradient", "P[" + (i + 1) + "," + (c + 1) + "]"),
                        1e-12);
            }
        }
    }

    @Test
    void everyProgramIsCovered() throws Exception {
        try (var files = Files.list(PROGRAMS)) {
            assertEquals(12, files.filter(p -> p.toString().endsWith(".lag")).count(),
                    "a new example program needs a test here");
        }
    }
}
