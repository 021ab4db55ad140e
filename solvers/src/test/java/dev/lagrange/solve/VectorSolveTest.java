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

/** The block-coordinate solver on programs with vector nodes, checked by methods that share nothing with it. */
class VectorSolveTest {
    /** {@code f = cross_entropy(W x + b, y) + 0.05 |W x|^2}: a softmax classifier's loss, 3 classes, 4 features. */
    static Program classifier() {
        var b = Program.builder();
        Var x = b.inputVector("x", new double[4]);
        Var w = b.inputMatrix("W", 3, 4, new double[12]);
        Var bias = b.inputVector("b", new double[3]);
        Var y = b.inputVector("y", new double[3]);
        Var wx = b.let("Wx", b.matvec(w, x));
        Var logits = b.let("logits", b.vectorAdd(wx, bias));
        Var f = b.let("f", b.add(b.crossEntropy(logits, y), b.mul(0.05, b.dot(wx, wx))));
        return b.output(f).build();
    }

    private static double[] point(long seed) {
        Random random = new Random(seed);
        double[] x = new double[4 + 12 + 3 + 3];
        for (int k = 0; k < 19; k++) {
            x[k] = random.nextGaussian();
        }
        x[19 + random.nextInt(3)] = 1; // a one-hot label
        return x;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23})
    void acyclicVectorProgramSolvesAndGradientChecks(long seed) {
        Program p = classifier();
        double[] x = point(seed);
        SolveResult r = new BlockCoordinateSolver().solve(p, x);
        assertEquals(SolveStatus.CONVERGED, r.status(), "seed " + seed + ": " + r.message());
        assertTrue(r.residuals().max() <= 1e-14, "seed " + seed + ": " + r.residuals());
        GradientCheck.Report report = GradientCheck.of(p).check(x, r.gradient());
        assertTrue(report.passed(1e-7), "seed " + seed + ": " + report.worst());
        // Closed form: df/db_k = softmax(logits)_k - y_k.
        double[] z = r.z();
        int logits = p.slot(p.nodeNamed("logits"));
        double max = Math.max(z[logits], Math.max(z[logits + 1], z[logits + 2]));
        double s = 0;
        for (int k = 0; k < 3; k++) {
            s += Math.exp(z[logits + k] - max);
        }
        for (int k = 0; k < 3; k++) {
            double expected = Math.exp(z[logits + k] - max) / s - x[19 + k];
            assertEquals(expected, r.gradient()[16 + k], 1e-15, "seed " + seed + ": df/db_" + k);
        }
    }

    @Test
    void scalarCyclicBlockBesideVectorNodes() {
        // u = 0.5 cos(u) + logsumexp(x), f = u * sum(tanh(x)): Newton on the scalar cycle, substitution
        // and vector kernels elsewhere. du/dx_k = softmax(x)_k / (1 + 0.5 sin u).
        var b = Program.builder();
        Var u = b.declare("u");
        Var x = b.inputVector("x", new double[3]);
        Var s = b.let("s", b.logsumexp(x));
        b.define("u", Primitive.ADD, new double[0], b.mul(0.5, b.cos(u)), s);
        Var t = b.let("t", b.vectorSum(b.map(Primitive.TANH, x)));
        Program p = b.output(b.let("f", b.mul(u, t))).build();
        double[] x0 = {0.2, -0.7, 1.1};
        SolveResult r = new BlockCoordinateSolver().solve(p, x0);
        assertEquals(SolveStatus.CONVERGED, r.status(), r.message());
        double uv = r.value("u");
        assertEquals(0.5 * Math.cos(uv) + r.value("s"), uv, 1e-13);
        double lse = Math.log(Math.exp(0.2) + Math.exp(-0.7) + Math.exp(1.1));
        double tv = Math.tanh(0.2) + Math.tanh(-0.7) + Math.tanh(1.1);
        for (int k = 0; k < 3; k++) {
            double dudx = Math.exp(x0[k] - lse) / (1 + 0.5 * Math.sin(uv));
            double expected = dudx * tv + uv * (1 - Math.tanh(x0[k]) * Math.tanh(x0[k]));
            assertEquals(expected, r.gradient()[k], 1e-12 * Math.abs(expected), "df/dx_" + k);
        }
        assertTrue(r.residuals().max() <= 1e-12, r.residuals().toString());
    }
}
