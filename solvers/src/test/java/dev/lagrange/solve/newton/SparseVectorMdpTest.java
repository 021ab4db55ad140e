package dev.lagrange.solve.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Condensation;
import dev.lagrange.program.Program;
import dev.lagrange.program.SparseMatrix;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.BlockReport;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.SolveStatus;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Policy evaluation {@code V = r + gamma P V}, {@code J = p0 . V} with a sparse P ({@code sparseMatvec}):
 * solved by {@link BlockCoordinateSolver} against the same MDP as scalar nodes (one weighted sum per
 * state) at S = 2000, and against EJML's dense closed form {@code (I - gamma P)^{-1} r} at S = 200;
 * {@code dJ/dr} is the occupancy measure {@code (I - gamma P)^{-T} p0} and {@code dJ/dP_st = gamma
 * occupancy_s V_t}. The cyclic block's Jacobian pattern is exact (O(nnz + S) entries, not S^2) and
 * Newton factors it by a sparse method.
 */
class SparseVectorMdpTest {
    private static final double GAMMA = 0.9;

    /** A random MDP: row s has k distinct successors, sorted, weights on (0.001, 1.001) normalised. */
    private record Mdp(int states, int[] rowStart, int[] col, double[] p, double[] r, double[] p0) {
        static Mdp random(int states, int k, long seed) {
            Random random = new Random(seed);
            int[] rowStart = new int[states + 1];
            int[] col = new int[states * k];
            double[] p = new double[states * k];
            double[] r = new double[states];
            for (int s = 0; s < states; s++) {
                rowStart[s + 1] = (s + 1) * k;
                int[] next = random.ints(0, states).distinct().limit(k).sorted().toArray();
                System.arraycopy(next, 0, col, s * k, k);
                double total = 0;
                for (int e = s * k; e < s * k + k; e++) {
                    p[e] = 1e-3 + random.nextDouble();
                    total += p[e];
                }
                for (int e = s * k; e < s * k + k; e++) {
                    p[e] /= total;
                }
                r[s] = random.nextDouble();
            }
            double[] p0 = new double[states];
            Arrays.fill(p0, 1.0 / states);
            return new Mdp(states, rowStart, col, p, r, p0);
        }

        /** Inputs r (S), P's values (nnz), p0 (S); {@code V = r + gamma spmv(P, V)}; J = p0 . V. */
        Program vectorForm() {
            var b = Program.builder();
            Var rv = b.inputVector("r", r);
            SparseMatrix pm = b.inputSparseMatrix("P", states, states, rowStart, col, p);
            Var start = b.inputVector("p0", p0);
            Var v = b.declare("V");
            b.defineVector(v, b.vectorAdd(rv, b.scale(GAMMA, b.sparseMatvec(pm, v))));
            return b.output(b.let("J", b.dot(start, v))).build();
        }

        /** Inputs r0..r{S-1}; {@code V_s = r_s + sum_e gamma P_e V_col(e)}, one weighted sum per state. */
        Program scalarForm() {
            var b = Program.builder();
            Var[] rs = new Var[states];
            Var[] v = new Var[states];
            for (int s = 0; s < states; s++) {
                rs[s] = b.input("r" + s, r[s]);
                v[s] = b.declare("V" + s);
            }
            for (int s = 0; s < states; s++) {
                int k = rowStart[s + 1] - rowStart[s];
                double[] w = new double[k + 2];
                Var[] args = new Var[k + 1];
                w[1] = 1;
                args[0] = rs[s];
                for (int e = rowStart[s], j = 0; e < rowStart[s + 1]; e++, j++) {
                    w[j + 2] = GAMMA * p[e];
                    args[j + 1] = v[col[e]];
                }
                b.define("V" + s, Primitive.WEIGHTED_SUM, w, args);
            }
            return b.output(b.let("J", b.weightedSum(0, p0.clone(), v))).build();
        }
    }

    private static SolveResult solve(Program program) {
        SolveResult result = new BlockCoordinateSolver().solve(program, program.inputDefaults());
        assertEquals(SolveStatus.CONVERGED, result.status(), result.message());
        return result;
    }

    /** The cyclic block's report, and checks that its method is sparse. */
    private static BlockReport cyclicBlock(SolveResult result, String expectedMethod) {
        BlockReport cyclic = result.blocks().stream().filter(BlockReport::cyclic).findFirst().orElseThrow();
        assertEquals(expectedMethod, cyclic.method());
        return cyclic;
    }

    /** Checks the gradient entries of P: {@code dJ/dP_e = gamma occupancy_s V_col(e)}. */
    private static void assertTransitionGradients(Mdp mdp, double[] grad, double[] occupancy, double[] values,
            double tolerance) {
        int s0 = mdp.states();
        for (int s = 0; s < mdp.states(); s++) {
            for (int e = mdp.rowStart()[s]; e < mdp.rowStart()[s + 1]; e++) {
                double expected = GAMMA * occupancy[s] * values[mdp.col()[e]];
                assertEquals(expected, grad[s0 + e], tolerance * Math.max(1, Math.abs(expected)),
                        "dJ/dP[" + (s + 1) + "," + (mdp.col()[e] + 1) + "]");
            }
        }
    }

    @Test
    void twoThousandStatesEqualTheScalarForm() {
        Mdp mdp = Mdp.random(2000, 5, 42);
        int states = mdp.states();
        Program vector = mdp.vectorForm();
        Program scalar = mdp.scalarForm();
        SolveResult v = solve(vector);
        SolveResult s = solve(scalar);
        cyclicBlock(v, "newton-gmres-gs");
        int vs = vector.slot(vector.nodeNamed("V"));
        double[] values = new double[states];
        double[] occupancy = new double[states];
        for (int t = 0; t < states; t++) {
            values[t] = s.z()[scalar.slot(scalar.nodeNamed("V" + t))];
            occupancy[t] = s.gradient()[t];
            assertEquals(values[t], v.z()[vs + t], 1e-10 * Math.max(1, Math.abs(values[t])), "V" + t);
            assertEquals(occupancy[t], v.gradient()[t], 1e-10, "dJ/dr" + t);
        }
        assertEquals(s.objectiveValue(), v.objectiveValue(), 1e-10 * Math.abs(s.objectiveValue()));
        assertTransitionGradients(mdp, v.gradient(), occupancy, values, 1e-10);
        assertEquals("P[1," + (mdp.col()[0] + 1) + "]", vector.inputLabel(states));
        assertTrue(v.residuals().max() <= 1e-10, v.residuals().toString());

        // The block is V, r + 0.9 P V, 0.9 P V and P V: 4 S unknowns. Its pattern: every row's
        // diagonal, one entry per argument slot inside the block for V, the sum and the scaling,
        // and row r of P (nnz entries in all) for the sparse matvec: nnz + 7 S, not S^2.
        Condensation blocks = vector.blocks();
        assertEquals(1, blocks.cyclicCount());
        BlockSystem block = new BlockSystem(vector, blocks.cyclicStart(0), blocks.cyclicEnd(0));
        assertEquals(4 * states, block.m);
        int[][] pattern = block.pattern();
        int nnz = mdp.col().length;
        assertEquals(nnz + 7 * states, pattern[0][block.m], "pattern entries");
        int[] count = new int[1];
        block.jacobian(v.z(), (row, col, value) -> count[0]++);
        assertEquals(nnz + 7 * states, count[0], "Jacobian entries delivered");
    }

    @Test
    void twoHundredStatesEqualTheClosedForm() {
        Mdp mdp = Mdp.random(200, 5, 7);
        int states = mdp.states();
        DMatrixRMaj a = CommonOps_DDRM.identity(states);
        for (int s = 0; s < states; s++) {
            for (int e = mdp.rowStart()[s]; e < mdp.rowStart()[s + 1]; e++) {
                a.add(s, mdp.col()[e], -GAMMA * mdp.p()[e]);
            }
        }
        DMatrixRMaj values = new DMatrixRMaj(states, 1);
        DMatrixRMaj occupancy = new DMatrixRMaj(states, 1);
        assertTrue(CommonOps_DDRM.solve(a, new DMatrixRMaj(states, 1, true, mdp.r()), values));
        assertTrue(CommonOps_DDRM.solve(CommonOps_DDRM.transpose(a, null), new DMatrixRMaj(states, 1, true, mdp.p0()),
                occupancy));

        Program vector = mdp.vectorForm();
        SolveResult v = solve(vector);
        cyclicBlock(v, "newton-sparse-lu-rcm");
        int vs = vector.slot(vector.nodeNamed("V"));
        for (int t = 0; t < states; t++) {
            assertEquals(values.get(t), v.z()[vs + t], 1e-12 * Math.max(1, Math.abs(values.get(t))), "V" + t);
            assertEquals(occupancy.get(t), v.gradient()[t], 1e-12, "dJ/dr" + t);
        }
        assertTransitionGradients(mdp, v.gradient(), occupancy.getData(), values.getData(), 1e-12);
        int p0 = states + mdp.col().length;
        for (int t = 0; t < states; t++) {
            assertEquals(values.get(t), v.gradient()[p0 + t], 1e-12 * Math.max(1, Math.abs(values.get(t))), "dJ/dp0_" + t);
        }
    }

    /**
     * A nonlinear fixed point {@code h = tanh(spmv(A, h) + x)} (30 states, 4 entries a row, scaled
     * by 0.4), {@code f = sum(h) + h . h}: Gauss-Seidel-preconditioned GMRES, forced at this size,
     * gives dense LU's values and gradient (x and A's values).
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {61, 62, 63})
    void gaussSeidelGmresAgreesWithDenseLu(long seed) {
        Mdp pattern = Mdp.random(30, 4, seed);
        Random random = new Random(seed);
        double[] a = gaussian(random, pattern.col().length, 0.4);
        double[] x0 = gaussian(random, 30, 1);
        var b = Program.builder();
        Var x = b.inputVector("x", x0);
        SparseMatrix am = b.inputSparseMatrix("A", 30, 30, pattern.rowStart(), pattern.col(), a);
        Var h = b.declare("h");
        b.defineVector(h, b.map(Primitive.TANH, b.vectorAdd(b.sparseMatvec(am, h), x)));
        Program program = b.output(b.let("f", b.add(b.vectorSum(h), b.dot(h, h)))).build();
        SolveResult dense = solve(program);
        cyclicBlock(dense, "newton-dense-lu");
        assertGaussSeidelGmresAgrees(program, dense, seed);
    }

    /**
     * A block mixing vector nodes with an implicit scalar unknown u (whose row has a zero diagonal):
     * {@code h = tanh(spmv(A, h) + u x)}, {@code u^3 + u = h_1}; Gauss-Seidel GMRES, forced, agrees
     * with dense LU on the values and the gradient.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {71, 72})
    void gaussSeidelGmresWithAnImplicitUnknown(long seed) {
        Mdp pattern = Mdp.random(20, 3, seed);
        Random random = new Random(seed);
        double[] a = gaussian(random, pattern.col().length, 0.4);
        double[] x0 = gaussian(random, 20, 1);
        var b = Program.builder();
        Var x = b.inputVector("x", x0);
        SparseMatrix am = b.inputSparseMatrix("A", 20, 20, pattern.rowStart(), pattern.col(), a);
        Var u = b.declare("u");
        Var h = b.declare("h");
        b.defineVector(h, b.map(Primitive.TANH, b.vectorAdd(b.sparseMatvec(am, h), b.scale(u, x))));
        Var residual = b.sub(b.add(b.mul(u, b.mul(u, u)), u), b.element(h, 0));
        b.define("u", Primitive.IMPLICIT, new double[0], u, residual);
        Program program = b.output(b.let("f", b.add(b.vectorSum(h), u))).build();
        assertEquals(1, program.blocks().cyclicCount());
        SolveResult dense = solve(program);
        assertGaussSeidelGmresAgrees(program, dense, seed);
    }

    /** GMRES, forced at any size, reports {@code newton-gmres-gs} and gives dense's values and gradient. */
    private static void assertGaussSeidelGmresAgrees(Program program, SolveResult dense, long seed) {
        NewtonOptions krylov = NewtonOptions.defaults().withDenseLimit(0).withKrylovAbove(0);
        SolveResult gmres = new BlockCoordinateSolver(SolveOptions.defaults(), krylov).solve(program, program.inputDefaults());
        assertEquals(SolveStatus.CONVERGED, gmres.status(), "seed " + seed + ": " + gmres.message());
        cyclicBlock(gmres, "newton-gmres-gs");
        for (int s = 0; s < program.slotCount(); s++) {
            assertEquals(dense.z()[s], gmres.z()[s], 1e-12, "seed " + seed + ": z at slot " + s);
        }
        for (int k = 0; k < program.inputCount(); k++) {
            assertEquals(dense.gradient()[k], gmres.gradient()[k], 1e-11 * Math.max(1, Math.abs(dense.gradient()[k])),
                    "seed " + seed + ": " + program.inputLabel(k));
        }
    }

    private static double[] gaussian(Random random, int n, double scale) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = scale * random.nextGaussian();
        }
        return v;
    }
}
