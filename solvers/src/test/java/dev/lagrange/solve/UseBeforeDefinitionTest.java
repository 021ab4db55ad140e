package dev.lagrange.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lagrange.lang.LagParser;
import dev.lagrange.program.Program;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.Test;

/**
 * Vectors written below their uses, through a cycle, solve as the same program written top-down:
 * checked against the closed form c = (I - 0.25 P)^-1 r, J = sum(tanh(2c)),
 * dJ/dr = (I - 0.25 P)^-T (2 (1 - tanh^2(2c))).
 */
class UseBeforeDefinitionTest {
    private static final String SOURCE = """
            input P[1..3, 1..3] = [0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.5, 0.0, 0.5]
            input r[1..3] = [1.0, 0.0, 2.0]
            J = sum(a)
            a = tanh(b)
            b = 2 * c
            c = r + 0.5 * P @ d
            d = 0.5 * c
            output J
            """;

    @Test
    void valueAndGradientMatchTheClosedForm() {
        Program p = LagParser.parse(SOURCE, "upside-down.lag");
        SolveResult result = new BlockCoordinateSolver().solve(p, p.inputDefaults()).orThrow();
        SimpleMatrix P = new SimpleMatrix(3, 3, true, 0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.5, 0.0, 0.5);
        SimpleMatrix r = new SimpleMatrix(3, 1, true, 1.0, 0.0, 2.0);
        SimpleMatrix a = SimpleMatrix.identity(3).minus(P.scale(0.25));
        SimpleMatrix c = a.solve(r);
        double J = 0;
        SimpleMatrix dJdc = new SimpleMatrix(3, 1);
        for (int i = 0; i < 3; i++) {
            double t = Math.tanh(2 * c.get(i));
            J += t;
            dJdc.set(i, 2 * (1 - t * t));
        }
        SimpleMatrix dJdr = a.transpose().solve(dJdc);
        assertEquals(J, result.value("J"), 1e-14);
        for (int i = 0; i < 3; i++) {
            assertEquals(dJdr.get(i), result.gradient("r[" + (i + 1) + "]"), 1e-13, "dJ/dr[" + (i + 1) + "]");
        }
    }
}
