package dev.lagrange.optimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import org.junit.jupiter.api.Test;

/**
 * Rosenbrock's banana f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from the classic start (-1.2, 1): the
 * minimum is f(1, 1) = 0 (known answer), at the end of a long curved valley that makes steepest
 * descent slow and conjugate gradients fast.
 */
class RosenbrockTest {
    static Program rosenbrock() {
        var b = Program.builder();
        Var x = b.input("x", -1.2);
        Var y = b.input("y", 1);
        Var a = b.pow(b.add(b.mul(-1, x), 1), 2);
        Var c = b.mul(100, b.pow(b.sub(y, b.pow(x, 2)), 2));
        return b.output(b.let("f", b.add(a, c))).build();
    }

    @Test
    void gradientDescentReachesTheMinimum() {
        var options = DescentOptions.defaults().withGradientTolerance(1e-8).withMaxIterations(100_000)
                .withHistory(true);
        OptimizeResult r = new GradientDescent(options).optimize(ProgramObjective.of(rosenbrock()), Goal.MINIMIZE);
        assertTrue(r.isConverged(), r.message());
        assertEquals(1, r.x()[0], 1e-7);
        assertEquals(1, r.x()[1], 1e-7);
        assertEquals(0, r.value(), 1e-14);
        assertTrue(r.evaluations() > r.iterations(), "one solve per trial step");
        assertEquals(r.iterations() + 1, r.history().size());
        for (int k = 1; k < r.history().size(); k++) {
            assertTrue(r.history().get(k).value() < r.history().get(k - 1).value(), "Armijo decreases f at " + k);
        }
    }

    @Test
    void conjugateGradientReachesTheMinimumInFewerSolves() {
        var f = ProgramObjective.of(rosenbrock());
        OptimizeResult cg = CommonsMathOptimizers.conjugateGradient(f, Goal.MINIMIZE, f.start(),
                CommonsMathOptions.defaults().withInitialStep(0.01));
        assertTrue(cg.isConverged(), cg.message());
        assertEquals(1, cg.x()[0], 1e-5);
        assertEquals(1, cg.x()[1], 1e-5);
        OptimizeResult gd = new GradientDescent(DescentOptions.defaults().withGradientTolerance(1e-4)
                .withMaxIterations(100_000)).optimize(f, Goal.MINIMIZE);
        assertTrue(cg.evaluations() < gd.evaluations(), cg.evaluations() + " vs " + gd.evaluations());
    }

    @Test
    void derivativeFreeOptimisersAgree() {
        var f = ProgramObjective.of(rosenbrock());
        var options = CommonsMathOptions.defaults().withInitialStep(0.5);
        for (OptimizeResult r : new OptimizeResult[] {
                CommonsMathOptimizers.nelderMead(f, Goal.MINIMIZE, f.start(), options),
                CommonsMathOptimizers.bobyqa(f, Goal.MINIMIZE, f.start(), options.withTolerances(1e-9, 1e-14))}) {
            assertTrue(r.isConverged(), r.method() + ": " + r.message());
            assertEquals(1, r.x()[0], 1e-4, r.method());
            assertEquals(1, r.x()[1], 1e-4, r.method());
            assertTrue(r.gradientNorm() < 1e-2, r.method() + " gradient " + r.gradientNorm());
        }
    }

    @Test
    void maximisingTheNegationIsMinimising() {
        var b = Program.builder();
        Var x = b.input("x", -1.2);
        Var y = b.input("y", 1);
        Var a = b.pow(b.add(b.mul(-1, x), 1), 2);
        Var c = b.mul(100, b.pow(b.sub(y, b.pow(x, 2)), 2));
        Program negated = b.output(b.let("g", b.neg(b.add(a, c)))).build();
        OptimizeResult r = new GradientDescent(DescentOptions.defaults().withMaxIterations(100_000))
                .optimize(ProgramObjective.of(negated), Goal.MAXIMIZE);
        assertTrue(r.isConverged(), r.message());
        assertEquals(1, r.x()[0], 1e-5);
        assertEquals(1, r.x()[1], 1e-5);
    }

    @Test
    void theIterationLimitIsAStatusNotAnException() {
        OptimizeResult r = new GradientDescent(DescentOptions.defaults().withMaxIterations(5))
                .optimize(ProgramObjective.of(rosenbrock()), Goal.MINIMIZE);
        assertEquals(OptimizeStatus.MAX_ITERATIONS, r.status());
        assertEquals(5, r.iterations());
        assertTrue(r.value() < 24.2, "better than the start f(-1.2, 1) = 24.2: " + r.value());
        OptimizeResult cg = CommonsMathOptimizers.conjugateGradient(ProgramObjective.of(rosenbrock()), Goal.MINIMIZE,
                new double[] {-1.2, 1}, CommonsMathOptions.defaults().withMaxEvaluations(10));
        assertEquals(OptimizeStatus.MAX_ITERATIONS, cg.status());
    }

    @Test
    void optimisingOverSomeInputsHoldsTheOthers() {
        // f(x, y = 2) = (1 - x)^2 + 100 (2 - x^2)^2 is least at x = sqrt(2) minus a small correction:
        // df/dx = -2 (1 - x) - 400 x (2 - x^2) = 0; checked by the residual of that equation.
        var f = ProgramObjective.of(rosenbrock()).at(1.3, 2).over("x");
        assertEquals(java.util.List.of("x"), f.names());
        OptimizeResult r = new GradientDescent(DescentOptions.defaults().withGradientTolerance(1e-7)).optimize(f,
                Goal.MINIMIZE);
        double x = r.x()[0];
        assertTrue(r.isConverged(), r.message());
        assertEquals(0, -2 * (1 - x) - 400 * x * (2 - x * x), 1e-7);
    }
}
