package dev.lagrange.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.lang.LagParser;
import dev.lagrange.program.Program;
import dev.lagrange.program.SecondOrder;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.Test;

/**
 * Second derivatives through cyclic blocks, against closed forms, a 40-digit reference and central
 * differences of the implicit gradient.
 */
class ImplicitHessianTest {
    private static Program parse(String source) {
        return LagParser.parse(source, "test.lag");
    }

    /**
     * Kepler's equation E = M + e sin(E). References: mpmath at 40 digits, E(M, e) by findroot and
     * its derivatives by mpmath.diff (also E_MM = -e sin(E) / (1 - e cos E)^3 in closed form).
     */
    @Test
    void keplerSecondDerivativesMatchA40DigitReference() {
        Program p = parse("input M = 1, e = 0.5\nE = M + e * sin(E)\ninit E = 1\noutput E\n");
        ImplicitHessian h = ImplicitHessian.at(p, p.inputDefaults());
        double[][] hessian = h.hessian();
        double mm = -0.5567130326685877794636349314847706982636;
        double ee = -0.3991953667411493625052647564103181411644;
        double me = -0.4777509557247130013041641218810823066459;
        assertEquals(mm, hessian[0][0], 4e-16);
        assertEquals(me, hessian[0][1], 4e-16);
        assertEquals(me, hessian[1][0], 4e-16);
        assertEquals(ee, hessian[1][1], 4e-16);
        assertTrue(h.lastResidual() < 1e-15, "block solve residual " + h.lastResidual());
    }

    /**
     * Policy evaluation v = r + gamma P v, J = p0 . v, with A = I - gamma P: J = p0^T A^-1 r,
     * d2J/dgamma2 = 2 p0^T A^-1 P A^-1 P A^-1 r, d2J/dgamma dr = (p0^T A^-1 P A^-1)^T,
     * d2J/dr2 = 0, d2J/dp0 dr = A^-1, d2J/dp0 dgamma = A^-1 P A^-1 r.
     */
    @Test
    void mdpSecondDerivativesMatchTheClosedForm() {
        Program p = parse("""
                input gamma = 0.9
                input r[1..3] = [1.0, 0.0, 2.0]
                input p0[1..3] = [0.5, 0.25, 0.25]
                input P[1..3, 1..3] = [0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.5, 0.0, 0.5]
                v = r + gamma * P @ v
                J = dot(p0, v)
                output J
                """);
        ImplicitHessian h = ImplicitHessian.at(p, p.inputDefaults());
        double[][] hessian = h.hessian();
        SimpleMatrix P = new SimpleMatrix(3, 3, true, 0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.5, 0.0, 0.5);
        SimpleMatrix r = new SimpleMatrix(3, 1, true, 1.0, 0.0, 2.0);
        SimpleMatrix p0 = new SimpleMatrix(3, 1, true, 0.5, 0.25, 0.25);
        SimpleMatrix inverse = SimpleMatrix.identity(3).minus(P.scale(0.9)).invert();
        SimpleMatrix aPa = inverse.mult(P).mult(inverse);
        double gg = 2 * p0.transpose().mult(aPa).mult(P).mult(inverse).mult(r).get(0);
        SimpleMatrix gr = p0.transpose().mult(aPa);
        SimpleMatrix gp = aPa.mult(r);
        double scale = Math.abs(gg);
        assertEquals(gg, hessian[0][0], 1e-14 * scale, "d2J/dgamma2");
        for (int i = 0; i < 3; i++) {
            assertEquals(gr.get(i), hessian[0][1 + i], 1e-14 * scale, "d2J/dgamma dr" + (i + 1));
            assertEquals(gr.get(i), hessian[1 + i][0], 1e-14 * scale, "d2J/dr" + (i + 1) + " dgamma");
            assertEquals(gp.get(i), hessian[0][4 + i], 1e-14 * scale, "d2J/dgamma dp0_" + (i + 1));
            for (int j = 0; j < 3; j++) {
                assertEquals(0, hessian[1 + i][1 + j], 1e-14 * scale, "d2J/dr dr");
                assertEquals(inverse.get(j, i), hessian[1 + i][4 + j], 1e-14 * scale, "d2J/dr dp0");
            }
        }
        assertTrue(h.lastResidual() < 1e-13, "block solve residual " + h.lastResidual());
    }

    /**
     * An acyclic run feeding a nonlinear cyclic block feeding an acyclic run: the Hessian against
     * central differences of the implicit gradient (step 1e-5, error O(h^2) ~ 1e-9 here, tolerance 1e-7).
     */
    @Test
    void mixedProgramMatchesDifferencesOfTheGradient() {
        Program p = parse("""
                input a = 0.7, b = -0.4, c = 1.3
                y = exp(a) * b + c^2
                z = 0.5 * cos(z * c) + tanh(y)
                w = z^2 + sin(a * z) + b * y
                output w
                """);
        double[] x = p.inputDefaults();
        double[][] hessian = ImplicitHessian.at(p, x).hessian();
        BlockCoordinateSolver solver = new BlockCoordinateSolver();
        double step = 1e-5;
        for (int k = 0; k < x.length; k++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[k] += step;
            down[k] -= step;
            double[] gu = solver.solve(p, up).orThrow().gradient();
            double[] gd = solver.solve(p, down).orThrow().gradient();
            for (int j = 0; j < x.length; j++) {
                double difference = (gu[j] - gd[j]) / (2 * step);
                assertEquals(difference, hessian[j][k], 1e-7, "d2w/dx" + j + " dx" + k);
            }
        }
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(hessian[i][j], hessian[j][i], 1e-13, "symmetry");
            }
        }
    }

    /** A nonlinear vector cycle v = r + 0.5 tanh(W v): maps and products inside the block, against differences. */
    @Test
    void vectorCycleMatchesDifferencesOfTheGradient() {
        Program p = parse("""
                input r[1..3] = [0.4, -0.2, 0.9]
                input W[1..3, 1..3] = [0.3, -0.5, 0.1, 0.2, 0.4, -0.3, -0.1, 0.6, 0.2]
                v = r + 0.5 * tanh(W @ v)
                J = dot(v, v) + sum(exp(v))
                output J
                """);
        double[] x = p.inputDefaults();
        ImplicitHessian h = ImplicitHessian.at(p, x);
        BlockCoordinateSolver solver = new BlockCoordinateSolver();
        double step = 1e-5;
        double[] direction = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            direction[k] = Math.sin(1.0 + k); // one product in a generic direction covers every input
        }
        double[] hv = h.hessianTimes(direction);
        double[] up = x.clone();
        double[] down = x.clone();
        for (int k = 0; k < x.length; k++) {
            up[k] += step * direction[k];
            down[k] -= step * direction[k];
        }
        double[] gu = solver.solve(p, up).orThrow().gradient();
        double[] gd = solver.solve(p, down).orThrow().gradient();
        for (int j = 0; j < x.length; j++) {
            assertEquals((gu[j] - gd[j]) / (2 * step), hv[j], 1e-7, "(H v)_" + j);
        }
    }

    /**
     * Two independent cycles, each over its own inputs, plus a coupling term: the pattern keeps the
     * blocks apart, and the recovery from the colours equals the dense Hessian.
     */
    @Test
    void sparseHessianThroughCyclesMatchesTheDenseOne() {
        Program p = parse("""
                input a = 0.6, b = 0.3, c = -0.5, e = 0.2, k = 1.5
                y = a + b * cos(y)
                u = c + e * sin(u)
                f = y * y + exp(u) + k * u
                output f
                """);
        ImplicitHessian h = ImplicitHessian.at(p, p.inputDefaults());
        double[][] dense = h.hessian();
        dev.lagrange.sparsity.SparseHessian sparse = h.sparseHessian();
        // the pattern is two cliques, {a, b} and {c, e, k} (k u interacts k with u's inputs): the larger
        // takes 3 colours, and the smaller reuses two of them
        assertEquals(3, sparse.products());
        double[][] recovered = sparse.toDense();
        for (int i = 0; i < dense.length; i++) {
            for (int j = 0; j < dense.length; j++) {
                assertEquals(dense[i][j], recovered[i][j], 1e-15, i + "," + j);
            }
        }
        assertEquals(0, sparse.get(0, 2), 0, "a and c do not interact");
    }

    @Test
    void acyclicProgramAgreesWithTheSubstitutionSweeps() {
        Program p = parse("input a = 0.3, b = 2\nf = exp(a * b) / (1 + b^2) + sin(a)^3\noutput f\n");
        double[] x = p.inputDefaults();
        double[] v = {0.6, -1.1};
        double[] implicit = ImplicitHessian.at(p, x).hessianTimes(v);
        double[] direct = SecondOrder.of(p).hessianTimes(x, v);
        assertEquals(direct[0], implicit[0], 0);
        assertEquals(direct[1], implicit[1], 0);
    }

    /** Two outputs of one cycle, weighted: sum_k w_k d2y_k = w_1 d2E + w_2 d2(E^2), d2(E^2) = 2 dE dE^T + 2 E d2E. */
    @Test
    void weightedOutputsSolveTheirOwnMultipliers() {
        Program p = parse("input M = 1, e = 0.5\nE = M + e * sin(E)\ninit E = 1\nS = E * E\noutput E, S\n");
        ImplicitHessian h = ImplicitHessian.at(p, p.inputDefaults());
        double[] grad = h.solution().gradient();
        double value = h.solution().value("E");
        double[][] second = h.hessian();
        double[] v = {0.3, -0.8};
        double[] w = {2.0, -0.5};
        double[] got = h.hessianTimes(v, w);
        for (int i = 0; i < 2; i++) {
            double expected = 0;
            for (int j = 0; j < 2; j++) {
                double squared = 2 * grad[i] * grad[j] + 2 * value * second[i][j];
                expected += (w[0] * second[i][j] + w[1] * squared) * v[j];
            }
            assertEquals(expected, got[i], 1e-14);
        }
    }

    @Test
    void failedSolveIsRefusedWithTheBlocksMessage() {
        Program singular = parse("input a = 1\nu = u + a\noutput u\n");
        SolveException e = assertThrows(SolveException.class, () -> ImplicitHessian.at(singular, singular.inputDefaults()));
        assertTrue(e.getMessage().contains("block {u}") && e.getMessage().contains("singular"), e.getMessage());
    }

    /**
     * A softmax policy's value through a cycle, v = r + 0.9 softmax(theta) * (P @ v) entrywise: softmax
     * and logsumexp inside and after the block, against differences of the gradient.
     */
    @Test
    void softmaxInsideACycleMatchesDifferencesOfTheGradient() {
        Program p = parse("""
                input theta[1..3] = [0.2, -0.5, 1.0]
                input r[1..3] = [1.0, 0.5, -0.3]
                input P[1..3, 1..3] = [0.2, 0.5, 0.3, 0.4, 0.4, 0.2, 0.1, 0.1, 0.8]
                v = r + 0.9 * softmax(theta) * (P @ v)
                J = logsumexp(v) + dot(softmax(v), theta)
                output J
                """);
        double[] x = p.inputDefaults();
        double[] direction = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            direction[k] = Math.cos(0.7 * k + 0.3);
        }
        double[] hv = ImplicitHessian.at(p, x).hessianTimes(direction);
        BlockCoordinateSolver solver = new BlockCoordinateSolver();
        double step = 1e-5;
        double[] up = x.clone();
        double[] down = x.clone();
        for (int k = 0; k < x.length; k++) {
            up[k] += step * direction[k];
            down[k] -= step * direction[k];
        }
        double[] gu = solver.solve(p, up).orThrow().gradient();
        double[] gd = solver.solve(p, down).orThrow().gradient();
        for (int j = 0; j < x.length; j++) {
            assertEquals((gu[j] - gd[j]) / (2 * step), hv[j], 1e-7, "(H v)_" + j);
        }
    }
}
