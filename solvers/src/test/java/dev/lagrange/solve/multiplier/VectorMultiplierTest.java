package dev.lagrange.solve.multiplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.SparseMatrix;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The multiplier methods read vector nodes through per-slot Jacobian rows: on a program with vector
 * nodes they reach back-substitution's multipliers (tolerance 1e-9, as in {@link KktAgreementTest}). Block ADMM is left out: this program is not
 * convex (W and x are both variables of the bilinear matvec) and ADMM stopped unconverged after 20000
 * iterations; whether the scalar tape of the same program fares better is not checked yet..
 */
class VectorMultiplierTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32})
    void multiplierMethodsAgreeWithBackSubstitution(long seed) {
        var b = Program.builder();
        Var x = b.inputVector("x", new double[3]);
        Var w = b.inputMatrix("W", 2, 3, new double[6]);
        Var y = b.inputVector("y", new double[2]);
        Var h = b.let("h", b.map(Primitive.SIGMOID, b.matvec(w, x)));
        Var f = b.let("f", b.add(b.squaredLoss(b.scale(2, h), y), b.logsumexp(b.hadamard(x, x))));
        assertMultipliersAgree(b.output(f).build(), seed);
    }

    /** The same through stack and element: {@code f = |W stack(s, t, s) - y|^2 / 2 + exp(element(W x, 1))}. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {33, 34})
    void stackAndElementRowsAgreeWithBackSubstitution(long seed) {
        var b = Program.builder();
        Var s = b.input("s", 0);
        Var t = b.input("t", 0);
        Var x = b.inputVector("x", new double[3]);
        Var w = b.inputMatrix("W", 2, 3, new double[6]);
        Var y = b.inputVector("y", new double[2]);
        Var sin = b.sin(s);
        Var u = b.let("u", b.stack(sin, t, sin)); // the same node twice
        Var e = b.let("e", b.element(b.matvec(w, x), 1));
        Var f = b.let("f", b.add(b.squaredLoss(b.matvec(w, u), y), b.exp(b.mul(e, t))));
        assertMultipliersAgree(b.output(f).build(), seed);
    }

    /**
     * Through sparse matvecs, whose rows read scattered entries of x:
     * {@code f = |tanh(spmv(A, x)) - y|^2 / 2 + sum(spmv(exp(c), x))}, A 3 x 4 with an empty row.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {35, 36})
    void sparseMatvecRowsAgreeWithBackSubstitution(long seed) {
        var b = Program.builder();
        int[] rowStart = {0, 2, 2, 5};
        int[] cols = {1, 3, 0, 2, 3};
        Var x = b.inputVector("x", new double[4]);
        SparseMatrix a = b.inputSparseMatrix("A", 3, 4, rowStart, cols, new double[5]);
        Var c = b.inputVector("c", new double[5]);
        Var y = b.inputVector("y", new double[3]);
        Var h = b.let("h", b.map(Primitive.TANH, b.sparseMatvec(a, x)));
        Var g = b.sparseMatvec(b.map(Primitive.EXP, c), 3, 4, rowStart, cols, x);
        Var f = b.let("f", b.add(b.squaredLoss(h, y), b.vectorSum(g)));
        assertMultipliersAgree(b.output(f).build(), seed);
    }

    private static void assertMultipliersAgree(Program p, long seed) {
        Random random = new Random(seed);
        double[] in = new double[p.inputCount()];
        for (int k = 0; k < in.length; k++) {
            in[k] = random.nextGaussian();
        }
        SolveResult exact = new BlockCoordinateSolver().solve(p, in).orThrow();
        SolveOptions tight = SolveOptions.defaults().withTolerance(1e-11).withMaxIterations(5000);
        for (MultiplierSolver m : List.of(new ExactBackSubstitution(),
                new MultiplierSweeps(MultiplierSweeps.Order.JACOBI, tight),
                new MultiplierSweeps(MultiplierSweeps.Order.GAUSS_SEIDEL, tight),
                new DualAscent(DualAscent.Step.FIXED, 0.5, tight))) {
            SolveResult r = m.solveWithHistory(p, in).result();
            String where = "seed " + seed + ", " + m.name() + ": " + r.message();
            assertTrue(r.isConverged(), where);
            double tol = 1e-9;
            assertEquals(0, MultiplierSweepsTest.maxDiff(exact.lambda(), r.lambda()), tol, where);
            assertEquals(0, MultiplierSweepsTest.maxDiff(exact.z(), r.z()), tol, where);
        }
    }
}
