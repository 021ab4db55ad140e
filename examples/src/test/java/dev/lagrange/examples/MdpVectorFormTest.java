package dev.lagrange.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import org.junit.jupiter.api.Test;

/**
 * Sutton and Barto's 5x5 gridworld (example 3.5) evaluated as one vector constraint
 * {@code V = r + gamma P V} (a matvec with P a 25 x 25 input block) gives the numbers of
 * {@link MdpPolicyEvaluation}'s scalar program: values, occupancy, dJ/dgamma and dJ/dP (on P's
 * zero entries, which the scalar program has no inputs for, the occupancy formula).
 */
class MdpVectorFormTest {
    @Test
    void vectorFormMatchesTheScalarProgram() {
        double[][] jumps = {{1, 21, 10}, {3, 13, 5}};
        double[][][] grid = MdpPolicyEvaluation.gridworld(5, 5, 0, -1, new int[0], jumps);
        double[][] p = grid[0];
        double[] r = grid[1][0];
        int n = r.length;
        double[] p0 = new double[n];
        p0[0] = 1;
        MdpPolicyEvaluation.Evaluation scalar = new MdpPolicyEvaluation(p, p0).evaluate(r, 0.9);

        var b = Program.builder();
        Var rv = b.inputVector("r", r);
        Var gamma = b.input("gamma", 0.9);
        double[] flat = new double[n * n];
        for (int s = 0; s < n; s++) {
            System.arraycopy(p[s], 0, flat, s * n, n);
        }
        Var pm = b.inputMatrix("P", n, n, flat);
        Var start = b.inputVector("p0", p0);
        Var v = b.declareVector("V", n);
        b.defineVector(v, b.vectorAdd(rv, b.scale(gamma, b.matvec(pm, v))));
        Program program = b.output(b.let("J", b.dot(start, v))).build();
        SolveResult vector = new BlockCoordinateSolver().solve(program, program.inputDefaults()).orThrow();

        int vs = program.slot(program.nodeNamed("V"));
        double[] g = vector.gradient();
        for (int s = 0; s < n; s++) {
            assertEquals(scalar.values()[s], vector.z()[vs + s], 1e-12, "V" + s);
            assertEquals(scalar.occupancy()[s], g[s], 1e-12, "dJ/dr" + s);
            for (int t = 0; t < n; t++) {
                // The scalar program has inputs for the nonzero P_st only (and reports 0 elsewhere);
                // the dense block differentiates every entry: gamma lambda_s V_t.
                double expected = p[s][t] != 0 ? scalar.dJdP()[s][t] : 0.9 * scalar.occupancy()[s] * scalar.values()[t];
                assertEquals(expected, g[n + 1 + s * n + t], 1e-12, "dJ/dP[" + s + "," + t + "]");
            }
        }
        assertEquals(scalar.dJdgamma(), g[n], 1e-10, "dJ/dgamma");
        assertEquals(scalar.objective(), vector.objectiveValue(), 1e-12, "J");
    }
}
