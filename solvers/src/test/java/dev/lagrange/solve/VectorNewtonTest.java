package dev.lagrange.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Newton on cyclic blocks of vector nodes: policy evaluation {@code V = r + gamma P V} against the
 * closed form {@code V = (I - gamma P)^{-1} r} with its occupancy-measure gradients (solved here by
 * Gaussian elimination), and a nonlinear fixed point {@code h = tanh(A h + x)} against central
 * differences of the solved objective.
 */
class VectorNewtonTest {
    private static final int S = 5;

    /** Gaussian elimination with partial pivoting on a copy: the solution of {@code M y = b}. */
    private static double[] solve(double[][] m, double[] b) {
        int n = b.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = java.util.Arrays.copyOf(m[i], n + 1);
            a[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            for (int r = c + 1; r < n; r++) {
                double q = a[r][c] / a[c][c];
                for (int k = c; k <= n; k++) {
                    a[r][k] -= q * a[c][k];
                }
            }
        }
        double[] y = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = a[r][n];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * y[k];
            }
            y[r] = s / a[r][r];
        }
        return y;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {41, 42, 43})
    void policyEvaluationInVectorForm(long seed) {
        Random random = new Random(seed);
        double[][] p = new double[S][S];
        double[] r = new double[S];
        double[] p0 = new double[S];
        for (int s = 0; s < S; s++) {
            double sum = 0;
            for (int t = 0; t < S; t++) {
                p[s][t] = random.nextDouble();
                sum += p[s][t];
            }
            for (int t = 0; t < S; t++) {
                p[s][t] /= sum;
            }
            r[s] = random.nextGaussian();
            p0[s] = 1.0 / S;
        }
        double gamma = 0.9;
        var b = Program.builder();
        Var rv = b.inputVector("r", r);
        Var g = b.input("gamma", gamma);
        double[] flat = new double[S * S];
        for (int s = 0; s < S; s++) {
            System.arraycopy(p[s], 0, flat, s * S, S);
        }
        Var pm = b.inputMatrix("P", S, S, flat);
        Var start = b.inputVector("p0", p0);
        Var v = b.declareVector("V", S);
        b.defineVector(v, b.vectorAdd(rv, b.scale(g, b.matvec(pm, v))));
        Program program = b.output(b.let("J", b.dot(start, v))).build();
        assertEquals(1, program.blocks().cyclicCount());

        SolveResult result = new BlockCoordinateSolver().solve(program, program.inputDefaults());
        assertEquals(SolveStatus.CONVERGED, result.status(), "seed " + seed + ": " + result.message());
        double[][] a = new double[S][S];
        double[][] at = new double[S][S];
        for (int s = 0; s < S; s++) {
            for (int t = 0; t < S; t++) {
                a[s][t] = (s == t ? 1 : 0) - gamma * p[s][t];
                at[t][s] = a[s][t];
            }
        }
        double[] values = solve(a, r);
        double[] occupancy = solve(at, p0);
        int vs = program.slot(program.nodeNamed("V"));
        double[] grad = result.gradient();
        double dgamma = 0;
        for (int s = 0; s < S; s++) {
            assertEquals(values[s], result.z()[vs + s], 1e-12 * Math.max(1, Math.abs(values[s])), "seed " + seed + ": V" + s);
            assertEquals(occupancy[s], grad[s], 1e-12, "seed " + seed + ": dJ/dr" + s);
            for (int t = 0; t < S; t++) {
                dgamma += occupancy[s] * p[s][t] * values[t];
                assertEquals(gamma * occupancy[s] * values[t], grad[S + 1 + s * S + t], 1e-12,
                        "seed " + seed + ": dJ/dP[" + s + "," + t + "]");
            }
        }
        assertEquals(dgamma, grad[S], 1e-11 * Math.abs(dgamma), "seed " + seed + ": dJ/dgamma");
        assertTrue(result.residuals().max() <= 1e-12, "seed " + seed + ": " + result.residuals());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {51, 52})
    void nonlinearVectorFixedPoint(long seed) {
        Random random = new Random(seed);
        int n = 4;
        double[] a = new double[n * n];
        for (int k = 0; k < a.length; k++) {
            a[k] = 0.3 * random.nextGaussian();
        }
        double[] x0 = new double[n];
        for (int k = 0; k < n; k++) {
            x0[k] = random.nextGaussian();
        }
        var b = Program.builder();
        Var x = b.inputVector("x", x0);
        Var am = b.inputMatrix("A", n, n, a);
        Var h = b.declareVector("h", n);
        b.defineVector(h, b.map(Primitive.TANH, b.vectorAdd(b.matvec(am, h), x)));
        Program program = b.output(b.let("f", b.add(b.vectorSum(h), b.dot(h, h)))).build();
        BlockCoordinateSolver solver = new BlockCoordinateSolver();
        double[] in = program.inputDefaults();
        SolveResult result = solver.solve(program, in);
        assertEquals(SolveStatus.CONVERGED, result.status(), "seed " + seed + ": " + result.message());
        assertTrue(result.residuals().max() <= 1e-12, "seed " + seed + ": " + result.residuals());
        GradientCheck check = GradientCheck.of(program, xs -> solver.solve(program, xs).objectiveValue());
        GradientCheck.Report report = check.check(in, result.gradient());
        assertTrue(report.passed(1e-7), "seed " + seed + ": " + report.worst());
    }

    /** gamma = 1 with a stochastic P: I - P is singular, and the message names the entries of V. */
    @Test
    void aSingularVectorBlockNamesItsEntries() {
        var b = Program.builder();
        Var r = b.inputVector("r", new double[] {1, 2});
        Var p = b.inputMatrix("P", 2, 2, new double[] {0.5, 0.5, 0.5, 0.5});
        Var v = b.declareVector("V", 2);
        b.defineVector(v, b.vectorAdd(r, b.matvec(p, v)));
        Program program = b.output(b.let("J", b.vectorSum(v))).build();
        assertEquals("r[2]", program.slotLabel(program.slot(program.nodeNamed("r")) + 1));
        assertEquals("P[2,1]", program.slotLabel(program.slot(program.nodeNamed("P")) + 2));
        assertEquals("V[2]", program.slotLabel(program.slot(program.nodeNamed("V")) + 1));
        assertEquals("J", program.slotLabel(program.slot(program.nodeNamed("J"))));

        SolveResult result = new BlockCoordinateSolver().solve(program, program.inputDefaults());
        assertEquals(SolveStatus.SINGULAR, result.status());
        assertTrue(result.message().contains("the equations do not determine V[1], V[2] "), result.message());
    }
}
