package dev.lagrange.solve.admm;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * Labelled points for binary classification: {@code x[i]} is the i-th point, {@code y[i]} in {0, 1}
 * its label. The seeded generators make reproducible, non-linearly-separable problems.
 *
 * @param x the points, n rows of equal length d; not modified
 * @param y the labels, 0 or 1, length n; not modified
 */
public record Samples(double[][] x, double[] y) {
    public Samples {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " points but " + y.length + " labels");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != x[0].length) {
                throw new IllegalArgumentException("point " + i + " has " + x[i].length + " coordinates, point 0 has " + x[0].length);
            }
            if (y[i] != 0 && y[i] != 1) {
                throw new IllegalArgumentException("label " + i + " is " + y[i] + ", expected 0 or 1");
            }
        }
    }

    /** The number of points n. */
    public int size() {
        return x.length;
    }

    /** The dimension d of each point. */
    public int dimension() {
        return x[0].length;
    }

    /**
     * The (d + 1) x n input matrix a_0: one column per point, with a last row of ones so that the
     * first layer carries a bias (Taylor et al.'s layers have none of their own).
     */
    public DMatrixRMaj inputs() {
        int n = size();
        int d = dimension();
        DMatrixRMaj a0 = new DMatrixRMaj(d + 1, n);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                a0.unsafe_set(k, i, x[i][k]);
            }
            a0.unsafe_set(d, i, 1);
        }
        return a0;
    }

    /** The labels as a 1 x n row. */
    public DMatrixRMaj labels() {
        return new DMatrixRMaj(1, size(), true, y);
    }

    /**
     * Two interleaved half circles (the "two moons"): label 0 on (cos t, sin t), label 1 on
     * (1 - cos t, 1/2 - sin t), t uniform in [0, pi], plus isotropic Gaussian noise; classes alternate.
     *
     * @param n the number of points
     * @param noise the standard deviation of the noise
     * @param seed the random seed
     */
    public static Samples twoMoons(int n, double noise, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double t = Math.PI * random.nextDouble();
            y[i] = i % 2;
            double u = y[i] == 0 ? Math.cos(t) : 1 - Math.cos(t);
            double v = y[i] == 0 ? Math.sin(t) : 0.5 - Math.sin(t);
            x[i] = new double[] {u + noise * random.nextGaussian(), v + noise * random.nextGaussian()};
        }
        return new Samples(x, y);
    }

    /**
     * XOR on the square [-1, 1]^2: label 1 where x1 x2 > 0, points drawn uniformly and then
     * perturbed by Gaussian noise (so the labels near the axes are noisy). No linear classifier
     * does better than chance.
     *
     * @param n the number of points
     * @param noise the standard deviation of the perturbation
     * @param seed the random seed
     */
    public static Samples xor(int n, double noise, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double u = 2 * random.nextDouble() - 1;
            double v = 2 * random.nextDouble() - 1;
            y[i] = u * v > 0 ? 1 : 0;
            x[i] = new double[] {u + noise * random.nextGaussian(), v + noise * random.nextGaussian()};
        }
        return new Samples(x, y);
    }
}
