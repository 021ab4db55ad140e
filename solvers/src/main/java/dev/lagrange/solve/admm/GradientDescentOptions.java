package dev.lagrange.solve.admm;

import java.util.Arrays;

/**
 * Parameters of {@link GradientDescentTrainer}, validated on construction; {@code withX} returns a copy.
 *
 * @param hiddenWidths the widths of the hidden layers; not modified (copied)
 * @param learningRate the step length eta of W &lt;- W - eta dJ/dW
 * @param iterations the number of full-batch steps
 * @param loss the output loss, averaged over the samples
 * @param seed the seed of the He initialisation (the same seed gives ADMM's starting weights)
 */
public record GradientDescentOptions(int[] hiddenWidths, double learningRate, int iterations, Loss loss, long seed) {
    public GradientDescentOptions {
        hiddenWidths = ReluNetwork.checkedWidths(hiddenWidths);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite: " + learningRate);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1: " + iterations);
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss must not be null");
        }
    }

    /** A 32-32 hidden network, learning rate 0.1, 2000 steps, hinge loss. */
    public static GradientDescentOptions defaults() {
        return new GradientDescentOptions(new int[] {32, 32}, 0.1, 2000, Loss.HINGE, 1);
    }

    @Override
    public int[] hiddenWidths() {
        return hiddenWidths.clone();
    }

    public GradientDescentOptions withHiddenWidths(int... w) {
        return new GradientDescentOptions(w, learningRate, iterations, loss, seed);
    }

    public GradientDescentOptions withLearningRate(double eta) {
        return new GradientDescentOptions(hiddenWidths, eta, iterations, loss, seed);
    }

    public GradientDescentOptions withIterations(int n) {
        return new GradientDescentOptions(hiddenWidths, learningRate, n, loss, seed);
    }

    public GradientDescentOptions withLoss(Loss l) {
        return new GradientDescentOptions(hiddenWidths, learningRate, iterations, l, seed);
    }

    public GradientDescentOptions withSeed(long s) {
        return new GradientDescentOptions(hiddenWidths, learningRate, iterations, loss, s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GradientDescentOptions p && Arrays.equals(hiddenWidths, p.hiddenWidths)
                && learningRate == p.learningRate && iterations == p.iterations && loss == p.loss && seed == p.seed;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(hiddenWidths) + java.util.Objects.hash(learningRate, iterations, loss, seed);
    }

    @Override
    public String toString() {
        return "GradientDescentOptions[hidden=" + Arrays.toString(hiddenWidths) + ", learningRate=" + learningRate
                + ", iterations=" + iterations + ", loss=" + loss + ", seed=" + seed + "]";
    }
}
