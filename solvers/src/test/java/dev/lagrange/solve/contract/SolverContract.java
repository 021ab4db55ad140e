package dev.lagrange.solve.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.lang.LagParser;
import dev.lagrange.program.Program;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.SolveStatus;
import dev.lagrange.solve.Solver;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Solver} promises, whatever its method: the values and the gradient of an acyclic
 * and of a cyclic program (against closed forms), the gradient of the first output of a program with
 * several, a singular cyclic block and a non-finite value as a status naming the variable (never an
 * exception), inputs left unmodified, misuse as an {@link IllegalArgumentException}, and one solver
 * shared by threads. A subclass per solver names it and the accuracy its method reaches.
 */
abstract class SolverContract {
    /** The solver under test. */
    abstract Solver solver();

    /** The accuracy of its gradient on these small, well-conditioned programs. */
    abstract double tolerance();

    static Program parse(String source) {
        return LagParser.parse(source, "contract.lag");
    }

    /** f = x1 x2 + sin(x1) + exp(x2 / 2): df/dx1 = x2 + cos(x1), df/dx2 = x1 + exp(x2 / 2) / 2. */
    static final String ACYCLIC = """
            input x1 = 0.7
            input x2 = -1.3
            f = x1 * x2 + sin(x1) + exp(x2 / 2)
            output f
            """;

    @Test
    void solvesAnAcyclicProgram() {
        Program p = parse(ACYCLIC);
        double x1 = 0.7;
        double x2 = -1.3;
        SolveResult r = solver().solve(p, p.inputDefaults());
        assertEquals(SolveStatus.CONVERGED, r.status(), r.message());
        assertEquals(x1 * x2 + Math.sin(x1) + Math.exp(x2 / 2), r.objectiveValue(), tolerance());
        assertEquals(x2 + Math.cos(x1), r.gradient()[0], tolerance(), "df/dx1");
        assertEquals(x1 + Math.exp(x2 / 2) / 2, r.gradient()[1], tolerance(), "df/dx2");
        assertTrue(r.residuals().max() <= 10 * tolerance(), "residuals " + r.residuals());
    }

    /**
     * The cycle {@code v = x + 0.5 tanh(v)} (a contraction) and {@code f = v^2}: by the implicit
     * function theorem dv/dx = 1 / (1 - 0.5 tanh'(v)), so df/dx = 2 v dv/dx; v from a bisection.
     */
    @Test
    void solvesACyclicProgram() {
        Program p = parse("""
                input x = 0.4
                v = x + 0.5 * tanh(v)
                f = v ^ 2
                output f
                """);
        double lo = -10;
        double hi = 10;
        for (int k = 0; k < 200; k++) {
            double mid = 0.5 * (lo + hi);
            if (mid - 0.4 - 0.5 * Math.tanh(mid) > 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        double v = 0.5 * (lo + hi);
        double dtanh = 1 - Math.tanh(v) * Math.tanh(v);
        SolveResult r = solver().solve(p, p.inputDefaults());
        assertEquals(SolveStatus.CONVERGED, r.status(), r.message());
        assertEquals(v, r.value("v"), tolerance());
        assertEquals(2 * v / (1 - 0.5 * dtanh), r.gradient()[0], tolerance(), "df/dx");
    }

    /** The objective is the first output: the gradient is its own, not that of the others. */
    @Test
    void theGradientIsTheFirstOutputs() {
        Program p = parse("""
                input x = 1.5
                input y = 2
                g = x * y
                f = x ^ 3
                output f, g
                """);
        SolveResult r = solver().solve(p, p.inputDefaults());
        assertEquals(SolveStatus.CONVERGED, r.status(), r.message());
        assertEquals(3 * 1.5 * 1.5, r.gradient()[0], tolerance(), "df/dx");
        assertEquals(0, r.gradient()[1], tolerance(), "df/dy");
        assertEquals(3.0, r.value("g"), tolerance());
    }

    /** {@code y = y + x - 1}: the block's Jacobian I - J is 0, and no y solves it for x != 1. */
    @Test
    void aSingularBlockIsAStatusNamingIt() {
        Program p = parse("""
                input x = 3
                y = y + x - 1
                f = y * y
                output f
                """);
        SolveResult r = solver().solve(p, p.inputDefaults());
        assertNotEquals(SolveStatus.CONVERGED, r.status(), r.message());
        assertNotNull(r.message());
        assertTrue(r.message().contains("'y'") || r.message().contains(" y"), r.message());
        assertEquals(null, r.gradient(), "no gradient from a failed solve");
    }

    @Test
    void aNonFiniteValueIsAStatusNamingIt() {
        Program p = parse("""
                input x = -1
                lx = log(x)
                f = lx * x
                output f
                """);
        SolveResult r = solver().solve(p, p.inputDefaults());
        assertEquals(SolveStatus.NON_FINITE, r.status(), r.message());
        assertTrue(r.message().contains("lx"), r.message());
        assertEquals(null, r.gradient(), "no gradient from a failed solve");
    }

    @Test
    void inputsAreNotModifiedAndMisuseIsAnArgumentError() {
        Program p = parse(ACYCLIC);
        double[] x = {0.7, -1.3};
        solver().solve(p, x);
        assertArrayEquals(new double[] {0.7, -1.3}, x, 0.0);
        assertThrows(IllegalArgumentException.class, () -> solver().solve(p, new double[] {1}));
    }

    /** One solver and one program shared by four threads: every result is the single-threaded one, bit for bit. */
    @Test
    void threadsShareASolverAndAProgram() throws Exception {
        Program p = parse(ACYCLIC);
        Solver s = solver();
        double[] expected = s.solve(p, p.inputDefaults()).gradient();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            java.util.List<Future<double[]>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 16; t++) {
                results.add(pool.submit(() -> s.solve(p, p.inputDefaults()).gradient()));
            }
            for (Future<double[]> f : results) {
                assertArrayEquals(expected, f.get(), 0.0);
            }
        } finally {
            pool.shutdown();
        }
    }
}
