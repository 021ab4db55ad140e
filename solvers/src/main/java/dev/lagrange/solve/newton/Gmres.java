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

        /**
         * The rows where {@code E = A - M} (or {@code A^T - M^T}) has an entry, in increasing order, or
         * null for all rows: the only rows where a residual can be nonzero after starting from
         * {@code M^{-1} b}.
         */
        default int[] residualRows(boolean transposed) {
            return null;
        }
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

    /**
     * Overwrites b with the solution of {@code A x = b}. With a preconditioner that gives the rows its
     * residuals can live in ({@link Preconditioner#residualRows}), it starts from {@code x0 = M^{-1} b}:
     * {@code A M^{-1} = I + E M^{-1}} with {@code E = A - M} zero outside those rows, so every residual
     * and Krylov vector is zero outside them too, and the Krylov vectors (and their orthogonalisation)
     * are stored on those rows only.
     */
    private void run(double[] b, boolean transposed, double tolerance) {
        int m = size();
        int[] rows = preconditioner.residualRows(transposed);
        int n = rows == null ? m : rows.length;
        int k = Math.max(1, Math.min(restart, n));
        double[] x = new double[m];
        double[] r = b.clone();
        double[][] basis = new double[k + 1][];
        double[][] h = new double[k + 1][k];
        double[] cos = new double[k];
        double[] sin = new double[k];
        double[] s = new double[k + 1];
        double[] full = new double[m];
        double[] scaled = new double[m];
        double[] product = new double[m];
        double normB = norm(b);
        lastProducts = 0;
        if (normB == 0) {
            lastConverged = true;
            lastRelativeResidual = 0;
            return;
        }
        if (rows != null) {
            preconditioner.apply(b, x, transposed);
            residual(b, x, r, transposed);
        }
        double beta = norm(r);
        while (true) {
            if (!(beta > tolerance * normB) || lastProducts >= maxProducts || n == 0) {
                break;
            }
            double[] start = gather(r, rows, new double[n]);
            double startNorm = norm(start);
            for (int i = 0; i < n; i++) {
                start[i] /= startNorm;
            }
            basis[0] = start;
            java.util.Arrays.fill(s, 0);
            s[0] = startNorm;
            int steps = 0;
            for (int j = 0; j < k && lastProducts < maxProducts; j++) {
                preconditioner.apply(scatter(basis[j], rows, full), scaled, transposed);
                apply(scaled, product, transposed);
                lastProducts++;
                double[] w = gather(product, rows, basis[j + 1] == null ? new double[n] : basis[j + 1]);
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
                    for (int i = 0; i < n; i++) {
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
            double[] combination = new double[n];
            for (int i = 0; i < steps; i++) {
                axpy(y[i], basis[i], combination);
            }
            preconditioner.apply(scatter(combination, rows, full), scaled, transposed);
            for (int i = 0; i < m; i++) {
                x[i] += scaled[i];
            }
            // the true residual, not the recurrence: it decides convergence and restarts
            residual(b, x, r, transposed);
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

    /** {@code r = b - A x}, one product. */
    private void residual(double[] b, double[] x, double[] r, boolean transposed) {
        apply(x, r, transposed);
        lastProducts++;
        for (int i = 0; i < r.length; i++) {
            r[i] = b[i] - r[i];
        }
    }

    /** {@code out = v} on the given rows (all rows when null). @param out Modified. */
    private static double[] gather(double[] v, int[] rows, double[] out) {
        if (rows == null) {
            System.arraycopy(v, 0, out, 0, out.length);
            return out;
        }
        for (int i = 0; i < rows.length; i++) {
            out[i] = v[rows[i]];
        }
        return out;
    }

    /** The full vector that is v on the given rows and 0 elsewhere (v itself when rows is null). */
    private static double[] scatter(double[] v, int[] rows, double[] full) {
        if (rows == null) {
            return v;
        }
        java.util.Arrays.fill(full, 0);
        for (int i = 0; i < rows.length; i++) {
            full[rows[i]] = v[i];
        }
        return full;
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
