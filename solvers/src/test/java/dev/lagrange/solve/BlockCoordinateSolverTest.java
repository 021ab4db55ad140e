package dev.lagrange.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the block-coordinate solver says when it cannot solve: statuses and messages that name. */
class BlockCoordinateSolverTest {
    private final Solver solver = new BlockCoordinateSolver();

    @Test
    void aSelfLoopIsSolvedByNewtonWithImplicitMultipliers() {
        // z = cos(x z): dz/dx = -z sin(xz) / (1 + x sin(xz)) by the implicit function theorem.
        var b = Program.builder();
        Var x = b.input("x");
        Var z = b.declare("z");
        b.define("z", Primitive.COS, new double[0], b.mul(x, z));
        Program p = b.output(b.let("out", b.sin(z))).build();
        SolveResult r = solver.solve(p, new double[] {0.5});
        assertEquals(SolveStatus.CONVERGED, r.status(), r.message());
        double zStar = 1;
        for (int k = 0; k < 200; k++) { // a contraction here: |d cos(xz)/dz| <= 0.5
            zStar = Math.cos(0.5 * zStar);
        }
        assertEquals(zStar, r.value("z"), 1e-15);
        double s = Math.sin(0.5 * zStar);
        double dzdx = -zStar * s / (1 + 0.5 * s);
        assertEquals(Math.cos(zStar) * dzdx, r.gradient("x"), 1e-14);
        assertEquals(1, r.blocks().stream().filter(BlockReport::cyclic).count());
        assertTrue(r.residuals().max() <= 1e-14, "residuals " + r.residuals());
    }

    @Test
    void aMutualCycleIsOneBlock() {
        // v1 = r1 + 0.9 v2, v2 = r2 + 0.9 v1: v = (I - 0.9 P)^{-1} r with P the swap.
        var b = Program.builder();
        Var r1 = b.input("r1");
        Var r2 = b.input("r2");
        Var v2 = b.declare("v2");
        Var v1 = b.define("v1", Primitive.WEIGHTED_SUM, new double[] {0, 1, 0.9}, r1, v2);
        b.define("v2", Primitive.WEIGHTED_SUM, new double[] {0, 1, 0.9}, r2, v1);
        Program p = b.output(b.add(v1, v2)).build();
        SolveResult r = solver.solve(p, new double[] {1, 2});
        assertEquals(SolveStatus.CONVERGED, r.status(), r.message());
        assertEquals(2.8 / 0.19, r.value("v1"), 1e-13);
        assertEquals(2.9 / 0.19, r.value("v2"), 1e-13);
        assertEquals(10, r.gradient("r1"), 1e-12);
        assertEquals(10, r.gradient("r2"), 1e-12);
        BlockReport cyclic = r.blocks().stream().filter(BlockReport::cyclic).findFirst().orElseThrow();
        assertTrue(cyclic.variables().containsAll(List.of("v1", "v2")), cyclic.variables().toString());
        assertTrue(cyclic.method().startsWith("newton"), cyclic.method());
    }

    @Test
    void logOfANegativeNumberIsNamed() {
        var b = Program.builder();
        Var x = b.input("x");
        Var y = b.let("y", b.log(x));
        Var w = b.let("w", b.exp(y));
        Program p = b.output(b.mul(w, y)).build();
        SolveResult r = solver.solve(p, new double[] {-1});
        assertEquals(SolveStatus.NON_FINITE, r.status());
        assertEquals("'y' = log(x = -1.0) is NaN", r.message());
        assertTrue(Double.isNaN(r.residuals().max()));
    }

    @Test
    void aNaNInputIsNamed() {
        var b = Program.builder();
        Var x = b.input("x");
        Var u = b.input("u");
        Program p = b.output(b.add(x, b.sin(u))).build();
        SolveResult r = solver.solve(p, new double[] {1, Double.NaN});
        assertEquals(SolveStatus.NON_FINITE, r.status());
        assertEquals("input 'u' is NaN", r.message());
    }

    @Test
    void anOverflowNamesItsArguments() {
        var b = Program.builder();
        Var x = b.input("x");
        Var big = b.let("big", b.exp(b.mul(x, x)));
        Program p = b.output(b.let("f", b.div(b.constant(1), big))).build();
        SolveResult r = solver.solve(p, new double[] {30});
        assertEquals(SolveStatus.NON_FINITE, r.status());
        assertEquals("'big' = exp(%1 = 900.0) is Infinity", r.message());
    }

    @Test
    void anInfiniteMultiplierIsNamed() {
        // sqrt(x) is finite at 0 but its derivative is not.
        var b = Program.builder();
        Var x = b.input("x");
        Program p = b.output(b.let("s", b.sqrt(x))).build();
        SolveResult r = solver.solve(p, new double[] {0});
        assertEquals(SolveStatus.NON_FINITE, r.status());
        assertTrue(r.message().startsWith("the multiplier of 'x' is Infinity"), r.message());
    }

    @Test
    void wrongInputCountIsMisuse() {
        var b = Program.builder();
        Program p = b.output(b.exp(b.input("x"))).build();
        assertThrows(IllegalArgumentException.class, () -> solver.solve(p, new double[2]));
    }

    @Test
    void theResultDescribesTheSolve() {
        var b = Program.builder();
        Var x = b.input("x");
        Var y = b.input("y");
        Var s = b.let("s", b.mul(x, y));
        Program p = b.output(s).build();
        double[] in = {2, 3};
        SolveResult r = solver.solve(p, in).orThrow();
        in[0] = 99;
        assertEquals(2.0, r.x()[0], "the solver keeps its own copy of x");
        assertEquals(6.0, r.objectiveValue());
        assertEquals(3.0, r.gradient("x"));
        assertEquals(2.0, r.gradient("y"));
        assertEquals(1.0, r.multiplier("s"));
        assertThrows(IllegalArgumentException.class, () -> r.gradient("s"));
        assertThrows(IllegalArgumentException.class, () -> r.value("nothing"));
        assertEquals(1, r.blocks().size());
        BlockReport block = r.blocks().get(0);
        assertEquals("substitution", block.method());
        assertEquals("acyclic", block.kind());
        assertEquals(List.of("x", "y", "s"), block.variables());
        assertEquals(0.0, block.residual());
    }
}
