package dev.lagrange.solve.multiplier;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * ADMM for the lasso in scaled form, splitting {@code x = z} (Boyd et al. 2011, section 6.4):
 * <pre>
 *   x     <- (A^T A + rho I)^{-1} (A^T b + rho (z - u))       (cached Cholesky; for m < n of I + A A^T / rho)
 *   x_hat <- alpha x + (1 - alpha) z                          (over-relaxation, alpha in [1, 1.8])
 *   z     <- S_{lambda/rho}(x_hat + u)                        (soft threshold)
 *   u     <- u + x_hat - z
 * </pre>
 * stopping when {@code ||x - z|| <= sqrt(n) eps_abs + eps_rel max(||x||, ||z||)} and
 * {@code ||rho (z - z_prev)|| <= sqrt(n) eps_abs + eps_rel ||rho u||} (section 3.3.1). rho adapts by
 * {@link ResidualBalancing}; the scaled multiplier u = y / rho is rescaled by rho_old / rho_new and the
 * Cholesky factor recomputed when it changes. The factorisation costs O(n m^2) (O(m^3) for the smaller
 * Gram matrix plus the product), each iteration O(mn). The history's objective is that of z, the
 * sparse iterate.
 */
public final class LassoAdmm {
    private final double rho0;
    private final double alpha;
    private final ResidualBalancing balancing;
    private final double epsAbs;
    private final double epsRel;
    private final int maxIterations;

    /**
     * @param alpha the over-relaxation, in [1, 1.8]
     */
    public LassoAdmm(double rho0, double alpha, ResidualBalancing balancing, double epsAbs, double epsRel,
            int maxIterations) {
        if (!(rho0 > 0) || !(alpha >= 1 && alpha <= 1.8) || !(epsAbs > 0) || !(epsRel >= 0) || maxIterations < 1) {
            throw new IllegalArgumentException("need rho > 0, alpha in [1, 1.8], eps_abs > 0, eps_rel >= 0, "
                    + "maxIterations >= 1: " + rho0 + ", " + alpha + ", " + epsAbs + ", " + epsRel + ", " + maxIterations);
        }
        this.rho0 = rho0;
        this.alpha = alpha;
        this.balancing = balancing;
        this.epsAbs = epsAbs;
        this.epsRel = epsRel;
        this.maxIterations = maxIterations;
    }

    /** Boyd's script: rho = 1, alpha = 1, with residual balancing (mu = 10, tau = 2), eps 1e-4 / 1e-2. */
    public static LassoAdmm boyd(int maxIterations) {
        return new LassoAdmm(1, 1, ResidualBalancing.boyd(), 1e-4, 1e-2, maxIterations);
    }

    public LassoAdmm withAlpha(double a) {
        return new LassoAdmm(rho0, a, balancing, epsAbs, epsRel, maxIterations);
    }

    public LassoAdmm withTolerances(double abs, double rel) {
        return new LassoAdmm(rho0, alpha, balancing, abs, rel, maxIterations);
    }

    public LassoAdmm withBalancing(ResidualBalancing b) {
        return new LassoAdmm(rho0, alpha, b, epsAbs, epsRel, maxIterations);
    }

    public Lasso.Solution solve(Lasso problem) {
        long start = System.nanoTime();
        DMatrixRMaj a = problem.a();
        int m = a.numRows;
        int n = a.numCols;
        double[] atb = new double[n];
        Lasso.transposeTimes(a, problem.b(), atb);
        double[] x = new double[n];
        double[] z = new double[n];
        double[] u = new double[n];
        double[] q = new double[n];
        double rho = rho0;
        XStep xStep = new XStep(a, rho);
        List<Iterate> history = new ArrayList<>();
        int k = 0;
        boolean converged = false;
        while (k < maxIterations && !converged) {
            k++;
            for (int j = 0; j < n; j++) {
                q[j] = atb[j] + rho * (z[j] - u[j]);
            }
            xStep.solve(q, x);
            double r2 = 0;
            double s2 = 0;
            double x2 = 0;
            double z2 = 0;
            double u2 = 0;
            for (int j = 0; j < n; j++) {
                double xHat = alpha * x[j] + (1 - alpha) * z[j];
                double zOld = z[j];
                z[j] = Lasso.shrink(xHat + u[j], problem.lambda() / rho);
                u[j] += xHat - z[j];
                r2 += (x[j] - z[j]) * (x[j] - z[j]);
                s2 += rho * rho * (z[j] - zOld) * (z[j] - zOld);
                x2 += x[j] * x[j];
                z2 += z[j] * z[j];
                u2 += rho * rho * u[j] * u[j];
            }
            double r = Math.sqrt(r2);
            double s = Math.sqrt(s2);
            history.add(new Iterate(k, r, s, problem.objective(z), (System.nanoTime() - start) * 1e-9));
            double epsPri = Math.sqrt(n) * epsAbs + epsRel * Math.sqrt(Math.max(x2, z2));
            double epsDual = Math.sqrt(n) * epsAbs + epsRel * Math.sqrt(u2);
            converged = r <= epsPri && s <= epsDual;
            double next = balancing.next(rho, r, s);
            if (next != rho) {
                for (int j = 0; j < n; j++) {
                    u[j] *= rho / next;
                }
                rho = next;
                xStep = new XStep(a, rho);
            }
        }
        String message = converged ? "admm: Boyd's rule met after " + k + " iterations"
                : "admm: Boyd's rule not met after " + k + " iterations";
        return new Lasso.Solution(z.clone(), converged, message, history);
    }

    /** The x-update's solve with {@code A^T A + rho I}, factored once per rho. */
    private static final class XStep {
        private final DMatrixRMaj a;
        private final double rho;
        private final LinearSolverDense<DMatrixRMaj> cholesky;
        private final boolean fat;

        XStep(DMatrixRMaj a, double rho) {
            this.a = a;
            this.rho = rho;
            int m = a.numRows;
            int n = a.numCols;
            fat = m < n;
            DMatrixRMaj gram;
            if (fat) {
                gram = new DMatrixRMaj(m, m);
                CommonOps_DDRM.multTransB(1 / rho, a, a, gram);
                for (int i = 0; i < m; i++) {
                    gram.add(i, i, 1);
                }
            } else {
                gram = new DMatrixRMaj(n, n);
                CommonOps_DDRM.multTransA(a, a, gram);
                for (int i = 0; i < n; i++) {
                    gram.add(i, i, rho);
                }
            }
            cholesky = LinearSolverFactory_DDRM.chol(gram.numRows);
            if (!cholesky.setA(gram)) {
                throw new IllegalStateException("the x-update's Gram matrix is not positive definite at rho " + rho);
            }
        }

        /**
         * {@code x = (A^T A + rho I)^{-1} q}; for a fat A by the matrix inversion lemma,
         * {@code x = q / rho - A^T (I + A A^T / rho)^{-1} A q / rho^2}.
         *
         * @param q Not modified. @param x Modified.
         */
        void solve(double[] q, double[] x) {
            if (!fat) {
                cholesky.solve(DMatrixRMaj.wrap(q.length, 1, q.clone()), DMatrixRMaj.wrap(x.length, 1, x));
                return;
            }
            int m = a.numRows;
            double[] aq = new double[m];
            Lasso.times(a, q, aq);
            double[] w = new double[m];
            cholesky.solve(DMatrixRMaj.wrap(m, 1, aq), DMatrixRMaj.wrap(m, 1, w));
            double[] atw = new double[x.length];
            Lasso.transposeTimes(a, w, atw);
            for (int j = 0; j < x.length; j++) {
                x[j] = q[j] / rho - atw[j] / (rho * rho);
            }
        }
    }
}
