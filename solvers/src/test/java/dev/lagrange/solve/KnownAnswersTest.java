package dev.lagrange.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.lagrangian.Lagrangian;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import org.junit.jupiter.api.Test;

/**
 * Known answers with separate tolerances for values z*, multipliers lambda* and the objective f*.
 */
class KnownAnswersTest {
    private static final double TOL_F = 1e-14;
    private static final double TOL_Z = 1e-15;
    private static final double TOL_LAMBDA = 1e-13;

    /** Rosenbrock's (1 - x)^2 + 100 (y - x^2)^2. */
    static Program rosenbrock() {
        var b = Program.builder();
        Var x = b.input("x");
        Var y = b.input("y");
        Var u = b.let("u", b.weightedSum(1, new double[] {-1}, x));
        Var w = b.let("w", b.sub(y, b.pow(x, 2)));
        Var f = b.let("f", b.add(b.pow(u, 2), b.mul(100, b.pow(w, 2))));
        return b.output(f).build();
    }

    @Test
    void rosenbrockAtTheClassicalStart() {
        SolveResult r = new BlockCoordinateSolver().solve(rosenbrock(), new double[] {-1.2, 1}).orThrow();
        assertEquals(24.2, r.objectiveValue(), TOL_F * 24.2, "f*");
        assertEquals(2.2, r.value("u"), TOL_Z, "z*_u = 1 - x");
        assertEquals(-0.44, r.value("w"), TOL_Z, "z*_w = y - x^2");
        // lambda_u = 2u, lambda_w = 200 w; the gradient is lambda_x, lambda_y.
        assertEquals(4.4, r.multiplier("u"), TOL_LAMBDA, "lambda*_u");
        assertEquals(-88, r.multiplier("w"), TOL_LAMBDA * 88, "lambda*_w");
        assertEquals(-215.6, r.gradient("x"), TOL_LAMBDA * 215.6, "df/dx");
        assertEquals(-88, r.gradient("y"), TOL_LAMBDA * 88, "df/dy");
    }

    @Test
    void rosenbrockMinimumIsAKktPointWithZeroGradient() {
        SolveResult r = new BlockCoordinateSolver().solve(rosenbrock(), new double[] {1, 1}).orThrow();
        assertEquals(0.0, r.objectiveValue(), 0.0);
        assertEquals(0.0, r.gradient("x"), 0.0);
        assertEquals(0.0, r.gradient("y"), 0.0);
    }

    @Test
    void domkeMultipliersSatisfyTheLagrangian() {
        Program p = DomkeExampleTest.domke(0.5);
        SolveResult r = new BlockCoordinateSolver().solve(p, new double[] {0.5}).orThrow();
        Lagrangian.Residuals residuals = Lagrangian.of(p).residuals(r.x(), r.z(), r.lambda());
        assertEquals(0.0, residuals.constraints(), 0.0);
        assertTrue(residuals.multipliers() <= 1e-14 * 555.9719679015081, residuals.toString());
        assertEquals(555.9719679015081, Lagrangian.of(p).gradient(r.x(), r.z(), r.lambda()).x()[0], 1e-12);
    }
}
