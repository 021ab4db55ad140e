package dev.lagrange.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Domke's f(x) = exp(exp(x) + exp(x)^2) + sin(exp(x) + exp(x)^2), the seed's example, against
 * values computed independently in high precision.
 */
class DomkeExampleTest {
    static Program domke(double x0) {
        var b = Program.builder();
        Var x = b.input("x", x0);
        Var a = b.let("a", b.exp(x));
        Var bb = b.let("b", b.pow(a, 2));
        Var c = b.let("c", b.add(a, bb));
        Var d = b.let("d", b.exp(c));
        Var e = b.let("e", b.sin(c));
        Var f = b.let("f", b.add(d, e));
        return b.output(f).build();
    }

    @ParameterizedTest
    @CsvSource({
        "0.0, 8.298353525756332, 20.91872778715052",
        "0.5, 77.86615550195191, 555.9719679015081",
        "1.0, 24521.66286131299, 429038.1354937981",
    })
    void valueAndGradient(double x, double f, double dfdx) {
        SolveResult r = new BlockCoordinateSolver().solve(domke(x), new double[] {x}).orThrow();
        assertEquals(f, r.value("f"), 2e-15 * Math.abs(f));
        assertEquals(dfdx, r.gradient("x"), 4e-15 * Math.abs(dfdx));
        assertEquals(r.gradient("x"), r.multiplier("x"));
    }

    @Test
    void multipliersAreTheAdjoints() {
        SolveResult r = new BlockCoordinateSolver().solve(domke(0.5), new double[] {0.5}).orThrow();
        assertEquals(1.0, r.multiplier("f"));
        assertEquals(1.0, r.multiplier("d"));
        assertEquals(1.0, r.multiplier("e"));
        assertEquals(78.46854058534002, r.multiplier("c"), 1e-13);
        assertEquals(78.46854058534002, r.multiplier("b"), 1e-13);
        assertEquals(337.2140444730328, r.multiplier("a"), 1e-12);
        assertEquals(555.9719679015081, r.multiplier("x"), 1e-12);
        assertTrue(r.residuals().constraints() == 0, "the forward pass satisfies constraints exactly");
        assertTrue(r.residuals().multipliers() <= 1e-13, "multiplier residual " + r.residuals().multipliers());
    }
}
