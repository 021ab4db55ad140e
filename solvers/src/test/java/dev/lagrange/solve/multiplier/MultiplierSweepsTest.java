package dev.lagrange.solve.multiplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Condensation;
import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.SolveStatus;
import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jacobi and Gauss-Seidel sweeps and dual ascent against back-substitution: the exact sweep count on
 * acyclic programs (longest path, computed here independently, plus one) and the geometric rate on a
 * Bellman block against its spectral radius (EJML's eigenvalues of gamma P).
 */
class MultiplierSweepsTest {
    private static final double TOL = 1e-12;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void jacobiIsExactAfterLongestPathPlusOneSweeps(long seed) {
        TestPrograms.Sample s = TestPrograms.acyclic(seed, 3, 25);
        Program p = s.program();
        int longest = TestPrograms.longestPathToObjective(p);
        SolveResult exact = new BlockCoordinateSolver().solve(p, s.x()).orThrow();
        SolveOptions options = SolveOptions.defaults().withTolerance(TOL).withMaxIterations(longest + 1);
        IterativeResult enough = new MultiplierSweeps(MultiplierSweeps.Order.JACOBI, options).solveWithHistory(p, s.x());
        assertEquals(SolveStatus.CONVERGED, enough.result().status(), "seed " + seed + ": " + enough.result().message());
        assertEquals(longest + 1, enough.iterations(), "seed " + seed);
        for (int k = 0; k < p.inputCount(); k++) {
            assertEquals(exact.gradient()[k], enough.result().gradient()[k], 1e-14 * (1 + Math.abs(exact.gradient()[k])),
                    "seed " + seed + ", input " + k);
        }
        IterativeResult short1 = new MultiplierSweeps(MultiplierSweeps.Order.JACOBI, options.withMaxIterations(longest))
                .solveWithHistory(p, s.x());
        assertEquals(SolveStatus.NOT_CONVERGED, short1.result().status(), "seed " + seed + ": longest path " + longest);
        assertTrue(short1.result().residuals().multipliers() > 1e-6, "seed " + seed + ": "
                + short1.result().residuals());
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void gaussSeidelIsBackSubstitutionOnAcyclicPrograms(long seed) {
        TestPrograms.Sample s = TestPrograms.acyclic(seed, 2, 30);
        SolveResult exact = new BlockCoordinateSolver().solve(s.program(), s.x()).orThrow();
        IterativeResult gs = new MultiplierSweeps(MultiplierSweeps.Order.GAUSS_SEIDEL,
                SolveOptions.defaults().withTolerance(TOL)).solveWithHistory(s.program(), s.x());
        assertEquals(1, gs.iterations(), "seed " + seed);
        for (int j = 0; j < exact.lambda().length; j++) {
            assertEquals(exact.lambda()[j], gs.result().lambda()[j], 1e-14 * (1 + Math.abs(exact.lambda()[j])),
                    "seed " + seed + ", slot " + j);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.9, 0.97})
    void jacobiContractsAtTheSpectralRadiusOfTheBellmanBlock(double gamma) {
        double[][] p = TestPrograms.stochastic(42, 6);
        Program program = TestPrograms.bellman(p, gamma);
        double[] x = program.inputDefaults();
        SolveResult solved = new BlockCoordinateSolver().solve(program, x).orThrow();
        double[] exact = solved.lambda();
        double radius = blockSpectralRadius(program, solved.z());
        // each state is two nodes on the cycle (the weighted sum and the named copy V_s), so the
        // node-level Jacobian's spectral radius is the square root of gamma P's, which is gamma
        assertEquals(spectralRadius(p, gamma), radius * radius, 1e-12);
        assertEquals(gamma, radius * radius, 1e-12, "a stochastic P has spectral radius 1");
        int sweeps = 80;
        double[] errors = new double[sweeps + 1];
        for (int k = 1; k <= sweeps; k++) {
            // each solve restarts from lambda = 0, so error k is the error after exactly k sweeps
            SolveOptions options = SolveOptions.defaults().withTolerance(1e-300).withMaxIterations(k);
            double[] lambda = new MultiplierSweeps(MultiplierSweeps.Order.JACOBI, options).solve(program, x).lambda();
            errors[k] = maxDiff(exact, lambda);
        }
        double rate = Math.pow(errors[sweeps] / errors[sweeps - 20], 1.0 / 20);
        assertEquals(radius, rate, 1e-3 * radius, "gamma " + gamma);
        IterativeResult full = new MultiplierSweeps(MultiplierSweeps.Order.JACOBI,
                SolveOptions.defaults().withTolerance(1e-10).withMaxIterations(2000)).solveWithHistory(program, x);
        assertTrue(full.result().isConverged(), full.result().message());
        IterativeResult gs = new MultiplierSweeps(MultiplierSweeps.Order.GAUSS_SEIDEL,
                SolveOptions.defaults().withTolerance(1e-10).withMaxIterations(2000)).solveWithHistory(program, x);
        assertTrue(gs.result().isConverged(), gs.result().message());
        assertTrue(gs.iterations() < full.iterations(), "Gauss-Seidel " + gs.iterations() + " vs Jacobi "
                + full.iterations());
        // the error is at most the residual times ||(I - J^T)^{-1}|| ~ 1 / (1 - gamma) (two nodes per state)
        assertEquals(0, maxDiff(exact, gs.result().lambda()), 4e-10 / (1 - gamma), "gamma " + gamma);
    }

    @Test
    void dualAscentWithUnitStepIsJacobi() {
        TestPrograms.Sample s = TestPrograms.acyclic(21, 3, 20);
        SolveOptions options = SolveOptions.defaults().withTolerance(TOL);
        IterativeResult jacobi = new MultiplierSweeps(MultiplierSweeps.Order.JACOBI, options)
                .solveWithHistory(s.program(), s.x());
        IterativeResult ascent = new DualAscent(DualAscent.Step.FIXED, 1.0, options).solveWithHistory(s.program(), s.x());
        assertEquals(jacobi.iterations(), ascent.iterations());
        assertEquals(0, maxDiff(jacobi.result().lambda(), ascent.result().lambda()), 1e-14);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.3, 0.7, 1.5})
    void dualAscentConvergesForStepsInZeroTwo(double alpha) {
        TestPrograms.Sample s = TestPrograms.acyclic(31, 3, 20);
        SolveResult exact = new BlockCoordinateSolver().solve(s.program(), s.x()).orThrow();
        IterativeResult r = new DualAscent(DualAscent.Step.FIXED, alpha,
                SolveOptions.defaults().withTolerance(1e-11).withMaxIterations(5000)).solveWithHistory(s.program(), s.x());
        assertTrue(r.result().isConverged(), "alpha " + alpha + ": " + r.result().message());
        assertEquals(0, maxDiff(exact.gradient(), r.result().gradient()), 1e-9, "alpha " + alpha);
        // the iteration matrix (1 - alpha) I + alpha J^T has spectral radius |1 - alpha|; J^T is
        // nilpotent, so the residual carries a polynomial factor k^L that makes the observed ratio
        // approach |1 - alpha| from above
        double[] res = r.stationarityResiduals();
        int last = res.length - 1;
        double rate = Math.pow(res[last] / res[last - 5], 1.0 / 5);
        assertTrue(rate >= Math.abs(1 - alpha) - 0.01 && rate <= Math.abs(1 - alpha) + 0.1,
                "alpha " + alpha + ": rate " + rate);
    }

    @Test
    void steepestDualAscentReachesTheAdjointsOnACyclicBlock() {
        Program program = TestPrograms.bellman(TestPrograms.stochastic(7, 4), 0.8);
        double[] x = program.inputDefaults();
        SolveResult exact = new BlockCoordinateSolver().solve(program, x).orThrow();
        IterativeResult r = new DualAscent(DualAscent.Step.STEEPEST, 1, SolveOptions.defaults().withTolerance(1e-10)
                .withMaxIterations(20000)).solveWithHistory(program, x);
        assertTrue(r.result().isConverged(), r.result().message());
        assertEquals(0, maxDiff(exact.gradient(), r.result().gradient()), 1e-8);
        double[] res = r.stationarityResiduals();
        for (int k = 1; k < res.length; k++) {
            // the squared residual decreases monotonically under exact line search; the max-norm need not,
            // so allow the norm-equivalence factor
            assertTrue(res[k] <= res[k - 1] * Math.sqrt(res.length > 0 ? x.length + 16 : 1), "step " + k);
        }
    }

    /** The spectral radius of the local Jacobian of the program's single cyclic block at z. */
    private static double blockSpectralRadius(Program program, double[] z) {
        Condensation c = program.blocks();
        int k = 0;
        while (!c.segmentIsCyclic(k)) {
            k++;
        }
        int from = c.segmentStart(k);
        int n = c.segmentEnd(k) - from;
        DMatrixRMaj j = new DMatrixRMaj(n, n);
        int[] slots = new int[64];
        double[] dfdz = new double[64];
        for (int i = 0; i < n; i++) {
            int arity = Sweeps.localPartials(program, from + i, z, slots, dfdz);
            for (int a = 0; a < arity; a++) {
                int col = program.nodeOf(slots[a]) - from;
                if (col >= 0 && col < n) {
                    j.add(i, col, dfdz[a]);
                }
            }
        }
        return radius(j);
    }

    private static double spectralRadius(double[][] p, double gamma) {
        int n = p.length;
        DMatrixRMaj j = new DMatrixRMaj(n, n);
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < n; t++) {
                j.set(s, t, gamma * p[s][t]);
            }
        }
        return radius(j);
    }

    private static double radius(DMatrixRMaj j) {
        int n = j.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false);
        assertTrue(eig.decompose(j));
        double radius = 0;
        for (int k = 0; k < n; k++) {
            Complex_F64 e = eig.getEigenvalue(k);
            radius = Math.max(radius, e.getMagnitude());
        }
        return radius;
    }

    static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int k = 0; k < a.length; k++) {
            m = Math.max(m, Math.abs(a[k] - b[k]));
        }
        return m;
    }
}
