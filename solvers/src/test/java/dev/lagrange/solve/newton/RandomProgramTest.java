package dev.lagrange.solve.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.SolveStatus;
import dev.lagrange.solve.substitution.BackSubstitution;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random programs. Acyclic ones: Newton on the whole program as one block agrees with
 * substitution, values and multipliers. Cyclic ones (contractive blocks, so a unique solution
 * exists): Lagrangian residuals at rounding level, and the gradient matches central differences of
 * the solved objective.
 */
class RandomProgramTest {
    /** A random acyclic program over d inputs with bounded values: smooth primitives only. */
    static Program acyclic(Random random, int d, int n) {
        var b = Program.builder();
        List<Var> pool = new ArrayList<>();
        for (int k = 0; k < d; k++) {
            pool.add(b.input("x" + k));
        }
        for (int i = 0; i < n; i++) {
            Var a = pool.get(random.nextInt(pool.size()));
            Var c = pool.get(random.nextInt(pool.size()));
            Var v = switch (random.nextInt(7)) {
                case 0 -> b.add(a, c);
                case 1 -> b.mul(b.tanh(a), c);
                case 2 -> b.sin(a);
                case 3 -> b.sigmoid(b.sub(a, c));
                case 4 -> b.weightedSum(random.nextGaussian(), new double[] {random.nextGaussian(), 0.5}, a, c);
                case 5 -> b.exp(b.tanh(a));
                default -> b.mul(a, a);
            };
            pool.add(b.let("v" + i, v));
        }
        return b.output(b.let("f", b.tanh(pool.get(pool.size() - 1)))).build();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void newtonAgreesWithSubstitutionOnAcyclicPrograms(long seed) {
        Random random = new Random(seed);
        int d = 1 + random.nextInt(4);
        Program p = acyclic(random, d, 5 + random.nextInt(30));
        double[] x = new double[d];
        for (int k = 0; k < d; k++) {
            x[k] = random.nextGaussian();
        }
        SolveResult substitution = new BlockCoordinateSolver().solve(p, x).orThrow();

        double[] z = new double[p.slotCount()];
        NewtonBlockSolver.Outcome outcome = new NewtonBlockSolver(SolveOptions.defaults(), NewtonOptions.defaults())
                .solve(p, x, z, 0, p.size());
        assertEquals(SolveStatus.CONVERGED, outcome.status(), outcome.message() + " (seed " + seed + ")");
        double[] lambda = BackSubstitution.objectiveSeed(p);
        double multiplierResidual = outcome.factors().solveMultipliers(z, lambda);
        assertTrue(multiplierResidual <= 1e-14, "||J^T lambda - rhs|| " + multiplierResidual + " (seed " + seed + ")");
        for (int i = 0; i < p.size(); i++) {
            int s = p.slot(i);
            assertEquals(substitution.z()[s], z[s], 1e-14 * Math.max(1, Math.abs(z[s])),
                    "z of " + p.label(i) + " (seed " + seed + ")");
            assertEquals(substitution.lambda()[s], lambda[s], 1e-13 * Math.max(1, Math.abs(lambda[s])),
                    "lambda of " + p.label(i) + " (seed " + seed + ")");
        }
    }

    /**
     * Two chained cyclic blocks between acyclic runs: {@code z = tanh(A z + B x)}, then
     * {@code u = 0.4 sin(C u + D z) + x_0}, then {@code f = sum_i w_i u_i z_i}. With
     * {@code ||A||_inf, ||0.4 C||_inf < 1} each block is a contraction with one fixed point.
     */
    static Program cyclic(Random random, int d, int n) {
        var b = Program.builder();
        Var[] x = new Var[d];
        for (int k = 0; k < d; k++) {
            x[k] = b.input("x" + k);
        }
        Var[] z = declare(b, "z", n);
        Var[] u = declare(b, "u", n);
        Var[] pre = new Var[n];
        for (int k = 0; k < d; k++) {
            pre[k % n] = pre[k % n] == null ? b.mul(random.nextGaussian(), x[k]) : b.add(pre[k % n], x[k]);
        }
        for (int i = 0; i < n; i++) {
            Var[] terms = new Var[n + 1];
            double[] c = row(random, n, 0.9);
            double[] coeff = new double[n + 1];
            System.arraycopy(c, 0, coeff, 0, n);
            System.arraycopy(z, 0, terms, 0, n);
            terms[n] = pre[i] == null ? x[0] : pre[i];
            coeff[n] = 1;
            b.define(z[i], b.tanh(b.weightedSum(0.1 * i, coeff, terms)));
        }
        for (int i = 0; i < n; i++) {
            double[] c = row(random, n, 0.9);
            Var[] terms = new Var[2 * n];
            double[] coeff = new double[2 * n];
            for (int j = 0; j < n; j++) {
                terms[j] = u[j];
                coeff[j] = c[j];
                terms[n + j] = z[j];
                coeff[n + j] = random.nextGaussian();
            }
            b.define(u[i], b.add(b.mul(0.4, b.sin(b.weightedSum(0, coeff, terms))), x[0]));
        }
        Var[] products = new Var[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            products[i] = b.mul(u[i], z[i]);
            w[i] = random.nextGaussian();
        }
        return b.output(b.let("f", b.weightedSum(0, w, products))).build();
    }

    private static Var[] declare(Program.Builder b, String prefix, int n) {
        Var[] v = new Var[n];
        for (int i = 0; i < n; i++) {
            v[i] = b.declare(prefix + i);
        }
        return v;
    }

    /** n coefficients with absolute sum {@code bound}. */
    private static double[] row(Random random, int n, double bound) {
        double[] c = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
            c[j] = random.nextGaussian();
            sum += Math.abs(c[j]);
        }
        for (int j = 0; j < n; j++) {
            c[j] *= bound / sum;
        }
        return c;
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22})
    void cyclicProgramsSolveToRoundingAndMatchCentralDifferences(long seed) {
        Random random = new Random(seed);
        int d = 1 + random.nextInt(3);
        int n = 2 + random.nextInt(6);
        Program p = cyclic(random, d, n);
        assertEquals(2, p.blocks().cyclicCount(), "seed " + seed);
        double[] x = new double[d];
        for (int k = 0; k < d; k++) {
            x[k] = random.nextGaussian();
        }
        BlockCoordinateSolver solver = new BlockCoordinateSolver();
        SolveResult r = solver.solve(p, x);
        assertEquals(SolveStatus.CONVERGED, r.status(), r.message() + " (seed " + seed + ")");
        assertTrue(r.residuals().constraints() <= 1e-14, "constraint residual " + r.residuals() + " (seed " + seed + ")");
        assertTrue(r.residuals().multipliers() <= 1e-14, "multiplier residual " + r.residuals() + " (seed " + seed + ")");
        // an independent check of the constraints, by the program's own right-hand sides
        for (int i = 0; i < p.size(); i++) {
            double rhs = Sweeps.constraintValue(p, i, x, r.z());
            assertEquals(rhs, r.z()[p.slot(i)], 1e-14, p.label(i) + " (seed " + seed + ")");
        }
        GradientCheck.Report report = GradientCheck.of(p, xv -> solver.solve(p, xv).orThrow().objectiveValue())
                .check(x, r.gradient());
        assertTrue(report.passed(1e-8), report.worst() + " (seed " + seed + ")");
    }

    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33, 34})
    void sparseLuAgreesWithDenseLu(long seed) {
        Random random = new Random(seed);
        int d = 1 + random.nextInt(3);
        Program p = cyclic(random, d, 3 + random.nextInt(20));
        double[] x = new double[d];
        for (int k = 0; k < d; k++) {
            x[k] = random.nextGaussian();
        }
        SolveResult dense = new BlockCoordinateSolver().solve(p, x).orThrow();
        SolveResult sparse = new BlockCoordinateSolver(SolveOptions.defaults(), NewtonOptions.defaults().withDenseLimit(0))
                .solve(p, x).orThrow();
        assertEquals("newton-sparse-lu-rcm", sparse.blocks().get(1).method());
        assertEquals("newton-dense-lu", dense.blocks().get(1).method());
        for (int i = 0; i < p.size(); i++) {
            int s = p.slot(i);
            assertEquals(dense.z()[s], sparse.z()[s], 1e-13, "z of " + p.label(i) + " (seed " + seed + ")");
            assertEquals(dense.lambda()[s], sparse.lambda()[s], 1e-12 * Math.max(1, Math.abs(dense.lambda()[s])),
                    "lambda of " + p.label(i) + " (seed " + seed + ")");
        }
        assertTrue(sparse.residuals().max() <= 1e-14, "Lagrangian residuals " + sparse.residuals() + " (seed " + seed + ")");
        assertTrue(sparse.blocks().get(1).multiplierResidual() <= 1e-14, "seed " + seed);
        double ratio = sparse.blocks().get(1).conditionEstimate() / dense.blocks().get(1).conditionEstimate();
        assertTrue(ratio > 0.3 && ratio < 3, "condition estimates differ by " + ratio + " (seed " + seed + ")");
    }
}
