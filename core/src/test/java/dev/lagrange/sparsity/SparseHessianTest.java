package dev.lagrange.sparsity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.lang.LagParser;
import dev.lagrange.program.Program;
import dev.lagrange.program.SecondOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hessian sparsity from the graph, star colouring, and recovery from one product per colour. */
class SparseHessianTest {
    private static Program parse(String source) {
        return LagParser.parse(source, "test.lag");
    }

    private static String inputs(String name, double[] values) {
        StringBuilder s = new StringBuilder("input " + name + "[1.." + values.length + "] = [");
        for (int k = 0; k < values.length; k++) {
            s.append(k > 0 ? ", " : "").append(values[k]);
        }
        return s.append("]\n").toString();
    }

    /**
     * The extended Rosenbrock chain f = sum_k 100 (x_{k+1} - x_k^2)^2 + (1 - x_k)^2 over 1000 inputs:
     * a tridiagonal Hessian, 3 colours (a path's star chromatic number), entries against the closed
     * form H_kk = 1200 x_k^2 - 400 x_{k+1} + 2 [k < n] + 200 [k > 1], H_{k,k+1} = -400 x_k.
     */
    @Test
    void tridiagonalHessianOf1000InputsFromThreeProducts() {
        int n = 1000;
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = Math.cos(0.37 * k);
        }
        Program p = parse(inputs("x", x) + "f = sum(k in 1.." + (n - 1)
                + ": 100 * (x[k+1] - x[k]^2)^2 + (1 - x[k])^2)\noutput f\n");
        HessianPattern pattern = HessianPattern.of(p);
        assertEquals(n + n - 1, pattern.lowerCount(), "exactly the tridiagonal entries");
        for (int k = 0; k + 1 < n; k++) {
            assertTrue(pattern.contains(k, k + 1) && pattern.contains(k + 1, k) && pattern.hasDiagonal(k));
        }
        StarColouring colouring = StarColouring.of(pattern);
        assertEquals(3, colouring.colourCount());
        SecondOrder second = SecondOrder.of(p);
        int[] calls = new int[1];
        SparseHessian h = colouring.recover(v -> {
            calls[0]++;
            return second.hessianTimes(x, v);
        });
        assertEquals(3, calls[0]);
        assertEquals(3, h.products());
        for (int k = 0; k < n; k++) {
            double diagonal = (k < n - 1 ? 1200 * x[k] * x[k] - 400 * x[k + 1] + 2 : 0) + (k > 0 ? 200 : 0);
            assertEquals(diagonal, h.get(k, k), 1e-12 * Math.max(1, Math.abs(diagonal)), "H_" + k + k);
            if (k + 1 < n) {
                assertEquals(-400 * x[k], h.get(k + 1, k), 1e-12 * 400, "H_" + k + "," + (k + 1));
            }
        }
    }

    /** f = sum_k exp(x_0 x_k): an arrowhead, 2 colours; H_00 = sum x_k^2 e, H_0k = (1 + x_0 x_k) e, H_kk = x_0^2 e. */
    @Test
    void arrowheadHessianFromTwoProducts() {
        int n = 1000;
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = 0.5 * Math.sin(1.3 * k + 0.2);
        }
        Program p = parse(inputs("x", x) + "f = sum(k in 2.." + n + ": exp(x[1] * x[k]))\noutput f\n");
        StarColouring colouring = StarColouring.of(HessianPattern.of(p));
        assertEquals(2, colouring.colourCount());
        SparseHessian h = SparseHessian.of(p, x);
        assertEquals(2, h.products());
        assertEquals(n + n - 1, h.entryCount());
        double hub = 0;
        for (int k = 1; k < n; k++) {
            double e = Math.exp(x[0] * x[k]);
            hub += x[k] * x[k] * e;
            assertEquals((1 + x[0] * x[k]) * e, h.get(k, 0), 1e-14);
            assertEquals(x[0] * x[0] * e, h.get(k, k), 1e-14);
        }
        assertEquals(hub, h.get(0, 0), 1e-12 * hub);
    }

    /**
     * A program of vector nodes (matvec, maps, zips, products, the squared loss) and scalars: every
     * nonzero of the dense Hessian is in the pattern, and the recovery equals the dense Hessian.
     */
    @Test
    void vectorProgramsPatternHoldsEveryNonzeroAndRecoveryMatchesDense() {
        Program p = parse("""
                input W[1..2, 1..3] = [0.3, -0.2, 0.5, 0.1, 0.4, -0.6]
                input u[1..3] = [0.7, -0.3, 0.2]
                input t[1..2] = [0.1, 0.9]
                input s = 0.8, q = -0.4, idle = 2
                h = tanh(W @ u) * t
                g = exp(s * t) + t / (2 + h * h)
                f = squared_loss(h, g) + dot(u, u) * q + sin(s) + 3 * idle
                output f
                """);
        double[] x = p.inputDefaults();
        double[][] dense = SecondOrder.of(p).hessian(x);
        HessianPattern pattern = HessianPattern.of(p);
        int d = x.length;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                if (dense[i][j] != 0) {
                    assertTrue(pattern.contains(i, j), "H_" + i + "," + j + " = " + dense[i][j] + " missing");
                }
            }
        }
        int idle = d - 1;
        for (int j = 0; j < d; j++) {
            assertFalse(pattern.contains(idle, j), "a linear input interacts with nothing");
        }
        SparseHessian h = SparseHessian.of(p, x);
        assertTrue(h.products() < d, h.products() + " colours for " + d + " inputs");
        double[][] recovered = h.toDense();
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                assertEquals(dense[i][j], recovered[i][j], 1e-14 * Math.max(1, Math.abs(dense[i][j])), i + "," + j);
            }
        }
    }

    /** A sparse product A x: A_e pairs only with x_col(e), and the recovery matches the dense Hessian. */
    @Test
    void sparseProductPairsEachValueWithItsColumn() {
        var b = Program.builder();
        var x = b.inputVector("x", new double[] {0.3, -0.8, 0.5});
        var A = b.inputSparseMatrix("A", 3, 3, new int[] {0, 1, 3, 4}, new int[] {2, 0, 1, 1},
                new double[] {0.5, -0.7, 0.9, 0.2});
        var y = b.sparseMatvec(A, x);
        Program p = b.output(b.vectorSum(y)).build(); // bilinear in (A, x): only cross terms
        HessianPattern pattern = HessianPattern.of(p);
        int[] column = {2, 0, 1, 1};
        for (int e = 0; e < 4; e++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(j == column[e], pattern.contains(3 + e, j), "A_" + e + " with x_" + j);
            }
            assertFalse(pattern.hasDiagonal(3 + e));
        }
        double[] x0 = p.inputDefaults();
        double[][] dense = SecondOrder.of(p).hessian(x0);
        double[][] recovered = SparseHessian.of(p, x0).toDense();
        for (int i = 0; i < dense.length; i++) {
            for (int j = 0; j < dense.length; j++) {
                assertEquals(dense[i][j], recovered[i][j], 0, i + "," + j);
            }
        }
        assertEquals(1.0, recovered[3][2], 0, "d2/dA_1 dx_3 = 1");
    }

    @Test
    void smallGraphsTakeTheirStarChromaticNumbers() {
        assertEquals(1, colours(5, new int[0][]), "diagonal");
        assertEquals(2, colours(2, new int[][] {{0, 1}}), "an edge");
        assertEquals(3, colours(4, new int[][] {{0, 1}, {1, 2}, {2, 3}}), "a path of 4");
        assertEquals(5, colours(5, complete(5)), "K5");
        assertEquals(2, colours(6, new int[][] {{5, 0}, {5, 1}, {5, 2}, {5, 3}, {5, 4}}), "a star, hub last");
    }

    /** Every colouring of random graphs is proper and leaves no path on four vertices with two colours. */
    @Test
    void randomGraphsGetStarColourings() {
        Random random = new Random(14);
        for (int trial = 0; trial < 300; trial++) {
            int n = 2 + random.nextInt(30);
            double density = random.nextDouble() * 0.3;
            List<int[]> edges = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (random.nextDouble() < density) {
                        edges.add(new int[] {i, j});
                    }
                }
            }
            HessianPattern pattern = pattern(n, edges.toArray(new int[0][]));
            StarColouring c = StarColouring.of(pattern);
            for (int v = 0; v < n; v++) {
                for (int w : pattern.neighbours(v)) {
                    assertTrue(c.colour(v) != c.colour(w), "adjacent " + v + ", " + w + " share a colour");
                    for (int x : pattern.neighbours(w)) {
                        if (x == v) {
                            continue;
                        }
                        for (int y : pattern.neighbours(x)) {
                            if (y != w && y != v) {
                                assertFalse(c.colour(v) == c.colour(x) && c.colour(w) == c.colour(y),
                                        "two-coloured path " + v + "-" + w + "-" + x + "-" + y + " (trial " + trial + ")");
                            }
                        }
                    }
                }
            }
            // and the recovery is exact for a matrix with that pattern: H v by the matrix itself
            double[][] m = new double[n][n];
            for (int[] e : edges) {
                m[e[0]][e[1]] = m[e[1]][e[0]] = 1 + random.nextDouble();
            }
            for (int i = 0; i < n; i++) {
                m[i][i] = random.nextDouble();
            }
            HessianPattern withDiagonal = patternWithDiagonal(n, edges);
            SparseHessian h = StarColouring.of(withDiagonal).recover(v -> times(m, v));
            double[][] back = h.toDense();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(m[i][j], back[i][j], 1e-15, "entry " + i + "," + j + " (trial " + trial + ")");
                }
            }
        }
    }

    private static double[] times(double[][] m, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                out[i] += m[i][j] * v[j];
            }
        }
        return out;
    }

    private static int colours(int n, int[][] edges) {
        return StarColouring.of(pattern(n, edges)).colourCount();
    }

    private static HessianPattern pattern(int n, int[][] edges) {
        int[] rows = new int[edges.length + n];
        int[] cols = new int[edges.length + n];
        for (int k = 0; k < edges.length; k++) {
            rows[k] = edges[k][0];
            cols[k] = edges[k][1];
        }
        for (int i = 0; i < n; i++) {
            rows[edges.length + i] = i;
            cols[edges.length + i] = i;
        }
        return HessianPattern.ofEntries(n, rows, cols);
    }

    private static HessianPattern patternWithDiagonal(int n, List<int[]> edges) {
        return pattern(n, edges.toArray(new int[0][]));
    }

    private static int[][] complete(int n) {
        List<int[]> edges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                edges.add(new int[] {i, j});
            }
        }
        return edges.toArray(new int[0][]);
    }
}
