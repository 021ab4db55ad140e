package dev.lagrange.solve.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.BlockReport;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import dev.lagrange.solve.SolveStatus;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Stan's algebra-solver cases and one test per failure class, each with the message it gives. The
 * messages must name the variables involved and the iteration.
 */
class FailureTest {
    /**
     * A solve block for unknowns x0..x{k-1} given inputs y0..y{d-1}: equation i is
     * {@code equations.apply(builder, {x, y})[i] = 0}; outputs are the unknowns.
     */
    static Program solveBlock(int unknowns, double[] y, BiFunction<Program.Builder, Var[][], Var[]> equations,
            double... init) {
        var b = Program.builder();
        Var[] yv = new Var[y.length];
        for (int k = 0; k < y.length; k++) {
            yv[k] = b.input("y" + k, y[k]);
        }
        Var[] x = new Var[unknowns];
        for (int k = 0; k < unknowns; k++) {
            x[k] = b.declare("x" + k);
        }
        Var[] g = equations.apply(b, new Var[][] {x, yv});
        for (int k = 0; k < unknowns; k++) {
            b.define("x" + k, Primitive.IMPLICIT, new double[0], x[k], g[k]);
            if (init.length > 0) {
                b.init(x[k], init[k]);
            }
        }
        return b.output(x).build();
    }

    @Test
    void stanProductEquations() {
        double[] y = {5, 4, 2};
        Program p = solveBlock(2, y, (b, v) -> new Var[] {
            b.sub(v[0][0], b.mul(v[1][0], v[1][1])),
            b.sub(v[0][1], v[1][2])});
        SolveResult r0 = new BlockCoordinateSolver().solve(p, y).orThrow();
        assertEquals(20, r0.value("x0"), 1e-14);
        assertEquals(2, r0.value("x1"), 1e-15);
        assertEquals(4, r0.gradient("y0"), 1e-14);
        assertEquals(5, r0.gradient("y1"), 1e-14);
        assertEquals(0, r0.gradient("y2"), 1e-15);
        SolveResult r1 = new BlockCoordinateSolver().solve(p.withOutputs(p.nodeNamed("x1")), y).orThrow();
        assertEquals(0, r1.gradient("y0"), 1e-15);
        assertEquals(0, r1.gradient("y1"), 1e-15);
        assertEquals(1, r1.gradient("y2"), 1e-15);
    }

    /** [x0 + x1 - y0, 2 x0 + 2 x1 - y1]: the Jacobian is singular for every x. */
    @Test
    void stanSingularEverywhere() {
        double[] y = {1, 2};
        Program p = solveBlock(2, y, (b, v) -> new Var[] {
            b.sub(b.add(v[0][0], v[0][1]), v[1][0]),
            b.sub(b.weightedSum(0, new double[] {2, 2}, v[0][0], v[0][1]), v[1][1])});
        SolveResult r = new BlockCoordinateSolver().solve(p, y);
        assertEquals(SolveStatus.SINGULAR, r.status(), r.message());
        assertNull(r.gradient());
        assertTrue(r.message().startsWith("the Jacobian of block {x0, x1} is singular at iteration 0 (the start values):"
                + " condition estimate "), r.message());
        assertTrue(r.message().contains("the equations do not determine x0, x1 (max-norm residual 2.0)"), r.message());
        SolveResult sparse = new BlockCoordinateSolver(SolveOptions.defaults(), NewtonOptions.defaults().withDenseLimit(0))
                .solve(p, y);
        assertEquals(SolveStatus.SINGULAR, sparse.status(), sparse.message());
        assertTrue(sparse.message().contains("the equations do not determine x0, x1 (max-norm residual 2.0)"),
                sparse.message());
    }

    /** [x0^2 + y0, x1^2 + y1] at y = (1, 1) has no real root: a failure, never a value. */
    @Test
    void stanNoRealSolution() {
        double[] y = {1, 1};
        BiFunction<Program.Builder, Var[][], Var[]> squares = (b, v) -> new Var[] {
            b.add(b.pow(v[0][0], 2), v[1][0]),
            b.add(b.pow(v[0][1], 2), v[1][1])};
        SolveResult fromZero = new BlockCoordinateSolver().solve(solveBlock(2, y, squares), y);
        assertEquals(SolveStatus.SINGULAR, fromZero.status(), fromZero.message());
        assertEquals("the Jacobian of block {x0} is singular at iteration 0 (the start values): condition estimate Infinity"
                + " > 1.00e+15; the equations do not determine x0 (max-norm residual 1.0)", fromZero.message());
        assertNull(fromZero.gradient());

        SolveResult fromHalf = new BlockCoordinateSolver().solve(solveBlock(2, y, squares, 0.5, 0.5), y);
        assertEquals(SolveStatus.NOT_CONVERGED, fromHalf.status(), fromHalf.message());
        assertTrue(fromHalf.message().startsWith("block {x0}: stalled at iteration "), fromHalf.message());
        assertTrue(fromHalf.message().endsWith("no Newton or steepest-descent step reduces ||g||, a local minimum of"
                + " ||g|| that is not a root (the equations may have no real solution near the start values)"),
                fromHalf.message());
        assertNull(fromHalf.gradient());
        BlockReport block = fromHalf.blocks().get(fromHalf.blocks().size() - 1);
        // The block's unknowns are x0, s = x0^2 and g = s + 1, with x0's row g = 0; the least-squares
        // point of (g, g - s - 1, s - x0^2) is x0 = 0, s = -1/3, g = 1/3, so max |residual| >= 1/3.
        assertTrue(block.residual() >= 1.0 / 3 - 1e-6, "residual " + block.residual());
        assertTrue(block.history().size() > 1, "a failure carries its residual history");
    }

    /** [x1 + x2 - y0, x0 - y1, x0 - y2]: x0 is fixed twice, x1 and x2 only through their sum. */
    @Test
    void structurallySingular() {
        double[] y = {1, 2, 2};
        Program p = solveBlock(3, y, (b, v) -> new Var[] {
            b.sub(b.add(v[0][1], v[0][2]), v[1][0]),
            b.sub(v[0][0], v[1][1]),
            b.sub(v[0][0], v[1][2])});
        SolveResult r = new BlockCoordinateSolver().solve(p, y);
        assertEquals(SolveStatus.SINGULAR, r.status(), r.message());
        assertEquals("block {x0, x1, x2} is structurally singular: its 7 equations cannot determine x1, x2 for any "
                + "values (structural rank 6 of 7: no matching pairs every unknown with an equation)", r.message());
    }

    @Test
    void iterationLimit() {
        SolveResult r = new BlockCoordinateSolver(SolveOptions.defaults().withMaxIterations(2))
                .solve(ClosedFormTest.keplerCycle(), new double[] {1, 0.5});
        assertEquals(SolveStatus.NOT_CONVERGED, r.status());
        assertTrue(r.message().startsWith("block {E}: no convergence in 2 Newton iterations; max-norm residual "),
                r.message());
        assertEquals(3, r.blocks().get(r.blocks().size() - 1).history().size(), "residuals of iterates 0, 1, 2");
    }

    /** z = log(z) + c, started at z = init or, without one, at 0 (outside log's domain). */
    private static Program logCycle(double... init) {
        var b = Program.builder();
        Var c = b.input("c", 3);
        Var z = b.declare("z");
        b.define(z, b.add(b.log(z), c));
        if (init.length > 0) {
            b.init(z, init[0]);
        }
        return b.output(z).build();
    }

    @Test
    void nonFiniteStart() {
        SolveResult r = new BlockCoordinateSolver().solve(logCycle(), new double[] {3});
        assertEquals(SolveStatus.NON_FINITE, r.status());
        assertTrue(r.message().startsWith("block {z}, iteration 0: the residual of "), r.message());
        assertTrue(r.message().contains("log(z = 0.0) = -Infinity at the start values"), r.message());
    }

    @Test
    void initValueInsideTheDomainSolvesIt() {
        SolveResult r = new BlockCoordinateSolver().solve(logCycle(2), new double[] {3}).orThrow();
        double zStar = r.value("z");
        assertEquals(zStar, Math.log(zStar) + 3, 1e-15);
        // implicit function theorem by hand: dz/dc = 1 / (1 - 1/z)
        assertEquals(1 / (1 - 1 / zStar), r.gradient("c"), 1e-14);
    }
}
