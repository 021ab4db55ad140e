package dev.lagrange.optimize;

/** Small vector operations shared by the optimisers. */
final class OptimizeOps {
    private OptimizeOps() {
    }

    /** {@code max_k |v_k|}, NaN if any entry is NaN. Not modified: v. */
    static double maxNorm(double[] v) {
        double m = 0;
        for (double a : v) {
            if (Double.isNaN(a)) {
                return Double.NaN;
            }
            m = Math.max(m, Math.abs(a));
        }
        return m;
    }

    /** {@code sum_k v_k^2}. Not modified: v. */
    static double squaredNorm(double[] v) {
        double s = 0;
        for (double a : v) {
            s += a * a;
        }
        return s;
    }

    static double[] nans(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, Double.NaN);
        return v;
    }
}
