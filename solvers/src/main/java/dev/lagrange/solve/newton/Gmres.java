package dev.lagrange.solve.newton;

/**
 * Solves with the block Jacobian J and with J^T by restarted GMRES(k), right-preconditioned by M,
 * from products with the assembled local partials only: nothing is factored. For {@code A = J} it
 * solves {@code A M^{-1} y = b}, {@code x = M^{-1} y} from x = 0, and for {@code A = J^T} the same
 * with {@code M^T}, minimising {@code ||b - A x||_2} over the Krylov space of each cycle (Saad and
 * Schultz, SIAM J. Sci. Stat. Comput. 7, 1986; Saad, Iterative Methods for Sparse Linear Systems, 2nd
 * ed., algorithm 9.5 and section 10.2), and stops when the true residual satisfies
 * {@code ||b - A x||_2 <= tolerance ||b||_2} or after {@code maxProducts} products. M is the diagonal
 * of J (Jacobi) or its lower triangle in slot order (a forward Gauss-Seidel sweep), a zero diagonal
 * entry taken as 1: {@link Linearization} chooses.
 *
 * <p>Each product, and each application of {@code M^{-1}}, costs O(nnz(J)); a cycle of k steps adds
 * O(k^2 m) for the orthogonalisation and needs k + 1 vectors of m entries. Whether the last solve met
 * its tolerance is kept ({@link #lastConverged()}): a Krylov solve that stalls is an outcome the
 * Newton loop reports, not an exception.
 */
final class Gmres implements Factorization {
    /** {@code out = M^{-1} v}, or {@code M^{-T} v}: the right preconditioner. */
    interface Preconditioner {
        /**
         * @param v Not modified.
         * @param out Modified: m entries; not v.
         */
        void apply(double[] v, double[] out, boolean transposed);
    }

    private final Linearization jacobian;
    private final int size;
    private final Preconditioner preconditioner;
    private final double tolerance;
    private final int restart;
    private final int maxProducts;
    private boolean lastConverged = true;
    private int lastProducts;
    private double lastRelativeResidual;

    Gmres(Linearization jacobian, int size, Preconditioner preconditioner, double tolerance, int restart,
            int maxProducts) {
        this.jacobian = jacobian;
        this.size = size;
        this.preconditioner = preconditioner;
        this.tolerance = tolerance;
        this.restart = restart;
        this.maxProducts = maxProducts;
    }

    @Override
    public int size() {
        return size;
    }

    /** No factors, so no zero pivot to meet; a singular J shows as a solve that does not converge. */
    @Override
    public boolean isSingular() {
        return false;
    }

    @Override
    public double norm1() {
        return Double.NaN;
    }

    /** Not estimated: Hager's estimate would cost a dozen Krylov solves. */
    @Override
    public double conditionEstimate() {
        return Double.NaN;
    }

    @Override
    public void solve(double[] b, double[] work) {
        run(b, false, tolerance);
    }

    /**
     * Solves {@code J x = b} to a relative residual of {@code relative} instead of the configured
     * tolerance: an inexact Newton step (Dembo, Eisenstat and Steihaug, SIAM J. Numer. Anal. 19, 1982)
     * for the polishing steps, where the residual is already small and each step only needs to
     * shrink it.
     *
     * @param b Modified: b on entry, x on exit.
     */
    void solve(double[] b, double relative) {
        run(b, false, relative);
    }

    @Override
    public void solveTransposed(double[] b, double[] work) {
        run(b, true, tolerance);
    }

    /** Whether the last solve reached {@code ||b - A x|| <= tolerance ||b||}. */
    boolean lastConverged() {
        return lastConverged;
    }

    /** The products with J or J^T the last solve took. */
    int lastProducts() {
        return lastProducts;
    }

    /** {@code ||b - A x||_2 / ||b||_2} after the last solve. */
    double lastRelativeResidual() {
        return lastRelativeResidual;
    }

    private void apply(double[] v, double[] out, boolean transposed) {
        if (transposed) {
            jacobian.multiplyTransposed(v, out);
        } else {
            jacobian.multiply(v, out);
        }
    }

    /** Overwrites b with the solution of {@code A x = b}. */
    private void run(double[] b, boolean transposed, double tolerance) {
        int m = size();
        int k = Math.max(1, Math.min(restart, m));
        double[] x = new double[m];
        double[] r = b.clone();
        double[][] basis = new double[k + 1][];
        double[][] h = new double[k + 1][k];
        double[] cos = new double[k];
        double[] sin = new double[k];
        double[] s = new double[k + 1];
        double[] scaled = new double[m];
        double[] correction = new double[m];
        double normB = norm(b);
        double beta = normB;
        lastProducts = 0;
        if (normB == 0) {
            lastConverged = true;
            lastRelativeResidual = 0;
            return;
        }
        while (true) {
            if (!(beta > tolerance * normB) || lastProducts >= maxProducts) {
                break;
            }
            basis[0] = new double[m];
            for (int i = 0; i < m; i++) {
                basis[0][i] = r[i] / beta;
            }
            java.util.Arrays.fill(s, 0);
            s[0] = beta;
            int steps = 0;
            for (int j = 0; j < k && lastProducts < maxProducts; j++) {
                preconditioner.apply(basis[j], scaled, transposed);
                double[] w = basis[j + 1] == null ? new double[m] : basis[j + 1];
                apply(scaled, w, transposed);
                lastProducts++;
                // modified Gram-Schmidt against the cycle's basis
                for (int i = 0; i <= j; i++) {
                    double d = dot(w, basis[i]);
                    h[i][j] = d;
                    axpy(-d, basis[i], w);
                }
                double norm = norm(w);
                h[j + 1][j] = norm;
                basis[j + 1] = w;
                if (norm > 0) {
                    for (int i = 0; i < m; i++) {
                        w[i] /= norm;
                    }
                }
                for (int i = 0; i < j; i++) {
                    double t = cos[i] * h[i][j] + sin[i] * h[i + 1][j];
                    h[i + 1][j] = -sin[i] * h[i][j] + cos[i] * h[i + 1][j];
                    h[i][j] = t;
                }
                double rho = Math.hypot(h[j][j], h[j + 1][j]);
                cos[j] = rho == 0 ? 1 : h[j][j] / rho;
                sin[j] = rho == 0 ? 0 : h[j + 1][j] / rho;
                h[j][j] = rho;
                h[j + 1][j] = 0;
                s[j + 1] = -sin[j] * s[j];
                s[j] = cos[j] * s[j];
                steps = j + 1;
                if (Math.abs(s[j + 1]) <= tolerance * normB || norm == 0) {
                    break;
                }
            }
            // y = H^{-1} s by back substitution; x += M^{-1} V y
            double[] y = new double[steps];
            for (int i = steps - 1; i >= 0; i--) {
                double t = s[i];
                for (int c = i + 1; c < steps; c++) {
                    t -= h[i][c] * y[c];
                }
                y[i] = h[i][i] == 0 ? 0 : t / h[i][i];
            }
            java.util.Arrays.fill(scaled, 0);
            for (int i = 0; i < steps; i++) {
                axpy(y[i], basis[i], scaled);
            }
            preconditioner.apply(scaled, correction, transposed);
            for (int i = 0; i < m; i++) {
                x[i] += correction[i];
            }
            // the true residual, not the recurrence: it decides convergence and restarts
            apply(x, r, transposed);
            lastProducts++;
            for (int i = 0; i < m; i++) {
                r[i] = b[i] - r[i];
            }
            double previous = beta;
            beta = norm(r);
            if (!(beta < previous)) {
                break; // stagnation: a restart from here would repeat the same cycle
            }
        }
        lastRelativeResidual = beta / normB;
        lastConverged = beta <= tolerance * normB;

        System.arraycopy(x, 0, b, 0, m);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return Math.sqrt(s);
    }
}
