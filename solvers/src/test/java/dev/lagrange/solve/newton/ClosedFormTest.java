package dev.lagrange.solve.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.BlockReport;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * Cyclic blocks with known answers: Kepler's equation and a tanh fixed point against values computed
 * independently (high-precision root finding and the implicit function theorem by hand), and a cyclic
 * linear system against EJML's dense solve.
 */
class ClosedFormTest {
    private static final double E_STAR = 1.498701133517848;
    private static final double DE_DM = 1.037362021893646;
    private static final double DE_DE = 1.034667232373456;

    /** E = M + e sin E, written as a cycle through an assignment. */
    static Program keplerCycle() {
        var b = Program.builder();
        Var m = b.input("M", 1);
        Var e = b.input("e", 0.5);
        Var anomaly = b.declare("E");
        b.define(anomaly, b.add(m, b.mul(e, b.sin(anomaly))));
        return b.output(anomaly).build();
    }

    /** E - M - e sin E = 0, written as a solve block. */
    static Program keplerImplicit() {
        var b = Program.builder();
        Var m = b.input("M", 1);
        Var e = b.input("e", 0.5);
        Var anomaly = b.declare("E");
        Var g = b.sub(b.sub(anomaly, m), b.mul(e, b.sin(anomaly)));
        b.define("E", Primitive.IMPLICIT, new double[0], anomaly, g);
        b.init(anomaly, 1);
        return b.output(anomaly).build();
    }

    @Test
    void keplerAsACycle() {
        checkKepler(new BlockCoordinateSolver().solve(keplerCycle(), new double[] {1, 0.5}).orThrow());
    }

    @Test
    void keplerAsASolveBlock() {
        checkKepler(new BlockCoordinateSolver().solve(keplerImplicit(), new double[] {1, 0.5}).orThrow());
    }

    private static void checkKepler(SolveResult r) {
        assertEquals(E_STAR, r.value("E"), 4e-16 * E_STAR);
        assertEquals(DE_DM, r.gradient("M"), 2e-15);
        assertEquals(DE_DE, r.gradient("e"), 2e-15);
        assertTrue(r.residuals().max() <= 1e-15, "Lagrangian residuals " + r.residuals());
        BlockReport block = r.blocks().stream().filter(BlockReport::cyclic).findFirst().orElseThrow();
        assertTrue(block.iterations() >= 3 && block.iterations() <= 10, "iterations " + block.iterations());
        assertTrue(block.multiplierResidual() <= 1e-15, "||J^T lambda - rhs|| = " + block.multiplierResidual());
        assertTrue(block.conditionEstimate() >= 1 && block.conditionEstimate() < 100, "kappa " + block.conditionEstimate());
    }

    @Test
    void tanhFixedPoint() {
        var b = Program.builder();
        Var x = b.input("x", 0.3);
        Var z = b.declare("z");
        b.define(z, b.tanh(b.add(b.mul(0.5, z), x)));
        Program p = b.output(z).build();
        SolveResult r = new BlockCoordinateSolver().solve(p, new double[] {0.3}).orThrow();
        assertEquals(0.500831887669865, r.value("z"), 2e-16);
        assertEquals(1.19787001465624, r.gradient("x"), 1e-14);
        assertTrue(r.residuals().max() <= 1e-15, "Lagrangian residuals " + r.residuals());
    }

    @Test
    void historyOnRequest() {
        SolveResult r = new BlockCoordinateSolver(SolveOptions.defaults().withHistory(true))
                .solve(keplerCycle(), new double[] {1, 0.5}).orThrow();
        BlockReport block = r.blocks().get(r.blocks().size() - 1);
        assertEquals(block.iterations() + 1, block.history().size(), "one residual per iterate");
        assertTrue(block.history().get(block.history().size() - 1) <= 1e-15, "history " + block.history());
        SolveResult quiet = new BlockCoordinateSolver().solve(keplerCycle(), new double[] {1, 0.5});
        assertTrue(quiet.blocks().get(quiet.blocks().size() - 1).history().isEmpty());
    }

    /** z = A z + B x + c, objective w . z: z* = (I - A)^{-1}(B x + c), grad = B^T (I - A)^{-T} w. */
    @Test
    void cyclicLinearSystemAgainstDenseSolve() {
        long seed = 20240611L;
        Random random = new Random(seed);
        int n = 6;
        int d = 3;
        double[][] a = new double[n][n];
        double[][] bx = new double[n][d];
        double[] c = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = random.nextGaussian() * 0.6;
            }
            for (int k = 0; k < d; k++) {
                bx[i][k] = random.nextGaussian();
            }
            c[i] = random.nextGaussian();
            w[i] = random.nextGaussian();
        }
        var b = Program.builder();
        Var[] x = new Var[d];
        for (int k = 0; k < d; k++) {
            x[k] = b.input("x" + k);
        }
        Var[] z = new Var[n];
        for (int i = 0; i < n; i++) {
            z[i] = b.declare("z" + i);
        }
        for (int i = 0; i < n; i++) {
            Var[] terms = new Var[n + d];
            double[] coeff = new double[n + d];
            for (int j = 0; j < n; j++) {
                terms[j] = z[j];
                coeff[j] = a[i][j];
            }
            for (int k = 0; k < d; k++) {
                terms[n + k] = x[k];
                coeff[n + k] = bx[i][k];
            }
            b.define(z[i], b.weightedSum(c[i], coeff, terms));
        }
        Var objective = b.let("J", b.weightedSum(0, w, z));
        Program p = b.output(objective).build();
        double[] xv = {0.5, -1.25, 2};
        SolveResult r = new BlockCoordinateSolver().solve(p, xv).orThrow();

        DMatrixRMaj m = new DMatrixRMaj(n, n);
        DMatrixRMaj rhs = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m.set(i, j, (i == j ? 1 : 0) - a[i][j]);
            }
            double s = c[i];
            for (int k = 0; k < d; k++) {
                s += bx[i][k] * xv[k];
            }
            rhs.set(i, s);
        }
        DMatrixRMaj zStar = new DMatrixRMaj(n, 1);
        assertTrue(CommonOps_DDRM.solve(m, rhs, zStar));
        DMatrixRMaj mt = CommonOps_DDRM.transpose(m, null);
        DMatrixRMaj mu = new DMatrixRMaj(n, 1);
        assertTrue(CommonOps_DDRM.solve(mt, new DMatrixRMaj(n, 1, true, w), mu));
        double scale = CommonOps_DDRM.elementMaxAbs(zStar);
        for (int i = 0; i < n; i++) {
            assertEquals(zStar.get(i), r.value("z" + i), 1e-13 * scale, "z" + i + " (seed " + seed + ")");
            assertEquals(mu.get(i), r.multiplier("z" + i), 1e-13 * CommonOps_DDRM.elementMaxAbs(mu),
                    "lambda of z" + i + " (seed " + seed + ")");
        }
        for (int k = 0; k < d; k++) {
            double g = 0;
            for (int i = 0; i < n; i++) {
                g += bx[i][k] * mu.get(i);
            }
            assertEquals(g, r.gradient("x" + k), 1e-13 * Math.max(1, Math.abs(g)), "dJ/dx" + k + " (seed " + seed + ")");
        }
        assertTrue(r.residuals().max() <= 1e-13 * scale, "Lagrangian residuals " + r.residuals());
    }
}
