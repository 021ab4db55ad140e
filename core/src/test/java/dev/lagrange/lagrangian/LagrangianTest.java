package dev.lagrange.lagrangian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import org.junit.jupiter.api.Test;

/**
 * The Lagrangian of Domke's f at an infeasible point, against the values of issue 2 (computed
 * independently) and against hand-computed constraint values and central differences of L.
 */
class LagrangianTest {
    /** Nodes in the order x, a, b, c, d, e, f. */
    static Program domke() {
        var b = Program.builder();
        Var x = b.input("x", 0.5);
        Var a = b.let("a", b.exp(x));
        Var bb = b.let("b", b.pow(a, 2));
        Var c = b.let("c", b.add(a, bb));
        Var d = b.let("d", b.exp(c));
        Var e = b.let("e", b.sin(c));
        Var f = b.let("f", b.add(d, e));
        return b.output(f).build();
    }

    private static final double[] X = {0.5};
    private static final double[] Z = {0.5, 1, 2, 3, 4, 5, 6};
    private static final double[] LAMBDA = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7};

    @Test
    void valueAndGradientAtAnInfeasiblePoint() {
        Program p = domke();
        assertEquals(7, p.size());
        String[] order = {"x", "a", "b", "c", "d", "e", "f"};
        for (int i = 0; i < order.length; i++) {
            assertEquals(order[i], p.name(i));
        }
        Lagrangian lagrangian = Lagrangian.of(p);
        assertEquals(13.05718472056978, lagrangian.value(X, Z, LAMBDA), 1e-14);
        Lagrangian.Gradient g = lagrangian.gradient(X, Z, LAMBDA);
        assertArrayEquals(new double[] {0.2297442541400256, 0.8, 0.1, 9.048772963633567, 0.2, 0.1, 0.3}, g.z(), 1e-14);
        assertArrayEquals(new double[] {0.1}, g.x(), 0.0);
        // dL/dlambda_i = -(z_i - f_i): the constraint values, by hand.
        double[] constraints = {0.5 - 0.5, 1 - Math.exp(0.5), 2 - 1, 3 - (1 + 2), 4 - Math.exp(3), 5 - Math.sin(3), 6 - (4 + 5)};
        for (int i = 0; i < constraints.length; i++) {
            assertEquals(-constraints[i], g.lambda()[i], 1e-15, "dL/dlambda_" + order[i]);
        }
        Lagrangian.Residuals r = lagrangian.residuals(X, Z, LAMBDA);
        assertEquals(Math.exp(3) - 4, r.constraints(), 1e-14);
        assertEquals(p.nodeNamed("d"), r.worstConstraint());
        assertEquals(9.048772963633567, r.multipliers(), 1e-14);
        assertEquals(p.nodeNamed("c"), r.worstMultiplier());
        assertEquals(Math.exp(3) - 4, r.max(), 1e-14);
    }

    @Test
    void gradientMatchesCentralDifferencesOfL() {
        Lagrangian lagrangian = Lagrangian.of(domke());
        Lagrangian.Gradient g = lagrangian.gradient(X, Z, LAMBDA);
        double[][] points = {X, Z, LAMBDA};
        double[][] analytic = {g.x(), g.z(), g.lambda()};
        String[] what = {"x", "z", "lambda"};
        for (int v = 0; v < 3; v++) {
            for (int k = 0; k < points[v].length; k++) {
                double[] p = points[v];
                double saved = p[k];
                double h = 1e-6 * Math.max(1, Math.abs(saved));
                p[k] = saved + h;
                double up = lagrangian.value(X, Z, LAMBDA);
                p[k] = saved - h;
                double down = lagrangian.value(X, Z, LAMBDA);
                p[k] = saved;
                double fd = (up - down) / (2 * h);
                assertEquals(fd, analytic[v][k], 1e-7 + 1e-6 * Math.abs(fd), "dL/d" + what[v] + "[" + k + "]");
            }
        }
    }

    @Test
    void outputWeightsSeedTheObjective() {
        var b = Program.builder();
        Var x = b.input("x");
        Var s = b.let("s", b.sin(x));
        Var c = b.let("c", b.cos(x));
        Program p = b.output(s, c).build();
        double[] z = new double[p.slotCount()];
        z[p.nodeNamed("x")] = 0.7;
        z[p.nodeNamed("s")] = Math.sin(0.7);
        z[p.nodeNamed("c")] = Math.cos(0.7);
        Lagrangian weighted = Lagrangian.withOutputWeights(p, new double[] {2, -3});
        double[] zeros = new double[p.slotCount()];
        assertEquals(2 * Math.sin(0.7) - 3 * Math.cos(0.7), weighted.value(new double[] {0.7}, z, zeros), 1e-15);
        double[] seed = weighted.seed();
        assertEquals(2.0, seed[p.nodeNamed("s")]);
        assertEquals(-3.0, seed[p.nodeNamed("c")]);
        // At the multipliers of the weighted objective the stationarity residual vanishes.
        double[] lambda = new double[p.slotCount()];
        lambda[p.nodeNamed("s")] = 2;
        lambda[p.nodeNamed("c")] = -3;
        lambda[p.nodeNamed("x")] = 2 * Math.cos(0.7) + 3 * Math.sin(0.7);
        Lagrangian.Residuals r = weighted.residuals(new double[] {0.7}, z, lambda);
        assertEquals(0.0, r.constraints(), 0.0);
        assertEquals(0.0, r.multipliers(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Lagrangian.withOutputWeights(p, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> weighted.value(new double[2], z, lambda));
    }

    @Test
    void aNonFiniteResidualIsReported() {
        Program p = domke();
        double[] z = Z.clone();
        z[3] = Double.NaN;
        Lagrangian.Residuals r = Lagrangian.of(p).residuals(X, z, LAMBDA);
        assertEquals(Double.NaN, r.max());
        assertEquals(Double.NaN, r.constraints());
    }
}
