package dev.lagrange.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.util.Random;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cyclic vector blocks written with {@code declare} (a placeholder whose width the first vector use
 * implies), and cyclic blocks through {@code stack} and {@code element}: the MDP policy evaluation
 * {@code v = r + 0.9 P v} against EJML's {@code (I - 0.9 P)^{-1} r} and its gradients, and a nonlinear
 * fixed point through scalar nodes against plain fixed-point iteration and central differences.
 */
class DeferredVectorTest {
    private static final int S = 3;
    private static final double GAMMA = 0.9;

    /** A row-stochastic 3 x 3 matrix, flattened row-major, from the seed. */
    private static double[] transitions(Random random) {
        double[] p = new double[S * S];
        for (int s = 0; s < S; s++) {
            double sum = 0;
            for (int t = 0; t < S; t++) {
                p[s * S + t] = random.nextDouble() + 0.1;
                sum += p[s * S + t];
            }
            for (int t = 0; t < S; t++) {
                p[s * S + t] /= sum;
            }
        }
        return p;
    }

    /**
     * {@code v = r + 0.9 P v} with v from {@code declare}, the objective {@code J = c . v}; defined by
     * defineVector or by define with a vector value.
     */
    private static Program mdp(double[] r, double[] p, double[] c, boolean viaDefine) {
        var b = Program.builder();
        Var rv = b.inputVector("r", r);
        Var pm = b.inputMatrix("P", S, S, p);
        Var cv = b.inputVector("c", c);
        Var v = b.declare("v");
        Var pv = b.matvec(pm, v); // v takes P's column count, 3
        Var rhs = b.vectorAdd(rv, b.scale(GAMMA, pv));
        if (viaDefine) {
            b.define(v, rhs);
        } else {
            b.defineVector(v, rhs);
        }
        return b.output(b.let("J", b.dot(cv, v))).build();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {61, 62, 63, 64})
    void mdpWithADeferredPlaceholderMatchesTheClosedForm(long seed) {
        Random random = new Random(seed);
        double[] r = new double[S];
        double[] c = new double[S];
        for (int s = 0; s < S; s++) {
            r[s] = random.nextGaussian();
            c[s] = random.nextDouble();
        }
        double[] p = transitions(random);
        Program program = mdp(r, p, c, seed % 2 == 0);
        assertEquals(1, program.blocks().cyclicCount(), "seed " + seed);
        assertEquals(S, program.width(program.nodeNamed("v")), "seed " + seed);

        BlockCoordinateSolver solver = new BlockCoordinateSolver();
        double[] in = program.inputDefaults();
        SolveResult result = solver.solve(program, in);
        assertEquals(SolveStatus.CONVERGED, result.status(), "seed " + seed + ": " + result.message());

        SimpleMatrix a = SimpleMatrix.identity(S).minus(new SimpleMatrix(S, S, true, p).scale(GAMMA));
        SimpleMatrix values = a.solve(new SimpleMatrix(S, 1, true, r));
        SimpleMatrix occupancy = a.transpose().solve(new SimpleMatrix(S, 1, true, c));
        int vs = program.slot(program.nodeNamed("v"));
        double[] grad = result.gradient();
        for (int s = 0; s < S; s++) {
            assertEquals(values.get(s), result.z()[vs + s], 1e-12 * Math.max(1, Math.abs(values.get(s))),
                    "seed " + seed + ": v[" + (s + 1) + "]");
            // dJ/dr = (I - 0.9 P)^{-T} c; dJ/dP[s,t] = 0.9 occupancy_s v_t; dJ/dc = v.
            assertEquals(occupancy.get(s), grad[s], 1e-12, "seed " + seed + ": dJ/dr[" + (s + 1) + "]");
            assertEquals(values.get(s), grad[S + S * S + s], 1e-12, "seed " + seed + ": dJ/dc[" + (s + 1) + "]");
            for (int t = 0; t < S; t++) {
                assertEquals(GAMMA * occupancy.get(s) * values.get(t), grad[S + s * S + t], 1e-12,
                        "seed " + seed + ": dJ/dP[" + (s + 1) + "," + (t + 1) + "]");
            }
        }
        GradientCheck check = GradientCheck.of(program, xs -> solver.solve(program, xs).objectiveValue());
        GradientCheck.Report report = check.check(in, grad);
        assertTrue(report.passed(1e-7), "seed " + seed + ": " + report.worst());
    }

    /**
     * {@code z_i = sin(element(v, i)) + x_i} (scalar nodes), {@code v = tanh(A stack(z_1, z_3, z_2)) + b}
     * (vector nodes): one cyclic block through stack and element, solved by Newton;
     * {@code f = v . v + z_1 z_2}.
     */
    private static Program mixedCycle(double[] x, double[] a, double[] bias) {
        var b = Program.builder();
        Var[] xs = new Var[S];
        for (int i = 0; i < S; i++) {
            xs[i] = b.input("x" + (i + 1), x[i]);
        }
        Var am = b.inputMatrix("A", S, S, a);
        Var bv = b.inputVector("b", bias);
        Var v = b.declare("v");
        Var[] z = new Var[S];
        for (int i = 0; i < S; i++) {
            z[i] = b.let("z" + (i + 1), b.add(b.sin(b.element(v, i)), xs[i]));
        }
        Var u = b.stack(z[0], z[2], z[1]);
        b.defineVector(v, b.vectorAdd(b.map(Primitive.TANH, b.matvec(am, u)), bv));
        return b.output(b.let("f", b.add(b.dot(v, v), b.mul(z[0], z[1])))).build();
    }

    /** The same fixed point by plain iteration, sharing nothing with the program: z at convergence. */
    private static double[] iterate(double[] x, double[] a, double[] bias) {
        double[] v = new double[S];
        double[] z = new double[S];
        for (int it = 0; it < 10_000; it++) {
            for (int i = 0; i < S; i++) {
                z[i] = Math.sin(v[i]) + x[i];
            }
            double[] u = {z[0], z[2], z[1]};
            double change = 0;
            for (int r = 0; r < S; r++) {
                double s = 0;
                for (int j = 0; j < S; j++) {
                    s += a[r * S + j] * u[j];
                }
                double next = Math.tanh(s) + bias[r];
                change = Math.max(change, Math.abs(next - v[r]));
                v[r] = next;
            }
            if (change < 1e-15) {
                break;
            }
        }
        for (int i = 0; i < S; i++) {
            z[i] = Math.sin(v[i]) + x[i];
        }
        return z;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {71, 72, 73})
    void newtonSolvesACyclicBlockThroughStackAndElement(long seed) {
        Random random = new Random(seed);
        double[] x = new double[S];
        double[] a = new double[S * S];
        double[] bias = new double[S];
        for (int i = 0; i < S; i++) {
            x[i] = random.nextGaussian();
            bias[i] = 0.5 * random.nextGaussian();
        }
        for (int k = 0; k < a.length; k++) {
            a[k] = 0.4 * random.nextGaussian();
        }
        Program program = mixedCycle(x, a, bias);
        assertEquals(1, program.blocks().cyclicCount(), "seed " + seed);
        BlockCoordinateSolver solver = new BlockCoordinateSolver();
        double[] in = program.inputDefaults();
        SolveResult result = solver.solve(program, in);
        assertEquals(SolveStatus.CONVERGED, result.status(), "seed " + seed + ": " + result.message());
        assertTrue(result.residuals().max() <= 1e-12, "seed " + seed + ": " + result.residuals());
        BlockReport block = result.blocks().stream().filter(BlockReport::cyclic).findFirst().orElseThrow();
        assertTrue(block.method().toLowerCase().contains("newton") && block.iterations() <= 12,
                "seed " + seed + ": " + block);
        double[] expected = iterate(x, a, bias);
        for (int i = 0; i < S; i++) {
            assertEquals(expected[i], result.value("z" + (i + 1)), 1e-12, "seed " + seed + ": z" + (i + 1));
        }
        GradientCheck check = GradientCheck.of(program, xs -> solver.solve(program, xs).objectiveValue());
        GradientCheck.Report report = check.check(in, result.gradient());
        assertTrue(report.passed(1e-7), "seed " + seed + ": " + report.worst());
    }
}
