package dev.lagrange.solve.admm;

import java.util.Arrays;

/**
 * Parameters of {@link AdmmNetworkTrainer}, validated on construction; {@code withX} returns a copy.
 * Defaults follow Taylor et al.: gamma = 10, beta = 1, hinge loss.
 *
 * @param hiddenWidths the widths of the hidden layers; not modified (copied)
 * @param gamma gamma_l, the weight of the activation penalty ||a_l - h(z_l)||^2 (all hidden layers)
 * @param beta beta_l, the weight of the linear penalty ||z_l - W_l a_{l-1}||^2 (all layers)
 * @param warmStart the number of first sweeps without the multiplier update
 * @param iterations the number of sweeps after the warm start
 * @param betaGrowth the factor applied to beta after every sweep (1 keeps it fixed; the follow-up
 *     literature's continuation grows it by about 1% per sweep, 1.01)
 * @param gammaGrowth the factor applied to gamma after every sweep
 * @param loss the output loss
 * @param ridge the relative Tikhonov term of the weight step: W = z a^T (a a^T + eps I)^{-1} with
 *     eps = ridge * max(trace(a a^T) / rows, 1); it stands in for the pseudo-inverse when a ReLU
 *     unit is dead on every sample and a a^T is singular
 * @param layerMultipliers whether every hidden layer also carries a multiplier lambda_l on
 *     z_l - W_l a_{l-1} (a variant; Taylor et al. put one on the output only)
 * @param seed the seed of the He initialisation
 */
public record AdmmOptions(int[] hiddenWidths, double gamma, double beta, int warmStart, int iterations,
        double betaGrowth, double gammaGrowth, Loss loss, double ridge, boolean layerMultipliers, long seed) {
    public AdmmOptions {
        hiddenWidths = ReluNetwork.checkedWidths(hiddenWidths);
        if (!(gamma > 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("gamma must be positive and finite: " + gamma);
        }
        if (!(beta > 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be positive and finite: " + beta);
        }
        if (warmStart < 0 || iterations < 0 || warmStart + iterations < 1) {
            throw new IllegalArgumentException("need warmStart >= 0, iterations >= 0 and at least one sweep: "
                    + warmStart + " + " + iterations);
        }
        if (!(betaGrowth >= 1) || !(gammaGrowth >= 1) || !Double.isFinite(betaGrowth) || !Double.isFinite(gammaGrowth)) {
            throw new IllegalArgumentException("growth factors must be finite and at least 1: beta x" + betaGrowth
                    + ", gamma x" + gammaGrowth);
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss must not be null");
        }
        if (!(ridge >= 0) || !Double.isFinite(ridge)) {
            throw new IllegalArgumentException("ridge must be finite and non-negative: " + ridge);
        }
    }

    /** Taylor et al.'s defaults on a 32-32 hidden network: gamma 10, beta 1, 10 warm-start + 100 sweeps, hinge loss. */
    public static AdmmOptions defaults() {
        return new AdmmOptions(new int[] {32, 32}, 10, 1, 10, 100, 1, 1, Loss.HINGE, 1e-8, false, 1);
    }

    @Override
    public int[] hiddenWidths() {
        return hiddenWidths.clone();
    }

    public AdmmOptions withHiddenWidths(int... w) {
        return new AdmmOptions(w, gamma, beta, warmStart, iterations, betaGrowth, gammaGrowth, loss, ridge, layerMultipliers, seed);
    }

    public AdmmOptions withGamma(double g) {
        return new AdmmOptions(hiddenWidths, g, beta, warmStart, iterations, betaGrowth, gammaGrowth, loss, ridge, layerMultipliers, seed);
    }

    public AdmmOptions withBeta(double b) {
        return new AdmmOptions(hiddenWidths, gamma, b, warmStart, iterations, betaGrowth, gammaGrowth, loss, ridge, layerMultipliers, seed);
    }

    public AdmmOptions withWarmStart(int w) {
        return new AdmmOptions(hiddenWidths, gamma, beta, w, iterations, betaGrowth, gammaGrowth, loss, ridge, layerMultipliers, seed);
    }

    public AdmmOptions withIterations(int n) {
        return new AdmmOptions(hiddenWidths, gamma, beta, warmStart, n, betaGrowth, gammaGrowth, loss, ridge, layerMultipliers, seed);
    }

    public AdmmOptions withBetaGrowth(double f) {
        return new AdmmOptions(hiddenWidths, gamma, beta, warmStart, iterations, f, gammaGrowth, loss, ridge, layerMultipliers, seed);
    }

    public AdmmOptions withGammaGrowth(double f) {
        return new AdmmOptions(hiddenWidths, gamma, beta, warmStart, iterations, betaGrowth, f, loss, ridge, layerMultipliers, seed);
    }

    public AdmmOptions withLoss(Loss l) {
        return new AdmmOptions(hiddenWidths, gamma, beta, warmStart, iterations, betaGrowth, gammaGrowth, l, ridge, layerMultipliers, seed);
    }

    public AdmmOptions withRidge(double r) {
        return new AdmmOptions(hiddenWidths, gamma, beta, warmStart, iterations, betaGrowth, gammaGrowth, loss, r, layerMultipliers, seed);
    }

    public AdmmOptions withLayerMultipliers(boolean on) {
        return new AdmmOptions(hiddenWidths, gamma, beta, warmStart, iterations, betaGrowth, gammaGrowth, loss, ridge, on, seed);
    }

    public AdmmOptions withSeed(long s) {
        return new AdmmOptions(hiddenWidths, gamma, beta, warmStart, iterations, betaGrowth, gammaGrowth, loss, ridge, layerMultipliers, s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdmmOptions p && Arrays.equals(hiddenWidths, p.hiddenWidths) && gamma == p.gamma
                && beta == p.beta && warmStart == p.warmStart && iterations == p.iterations
                && betaGrowth == p.betaGrowth && gammaGrowth == p.gammaGrowth && loss == p.loss
                && ridge == p.ridge && layerMultipliers == p.layerMultipliers && seed == p.seed;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(hiddenWidths) + java.util.Objects.hash(gamma, beta, warmStart, iterations,
                betaGrowth, gammaGrowth, loss, ridge, layerMultipliers, seed);
    }

    @Override
    public String toString() {
        return "AdmmOptions[hidden=" + Arrays.toString(hiddenWidths) + ", gamma=" + gamma + ", beta=" + beta
                + ", warmStart=" + warmStart + ", iterations=" + iterations + ", betaGrowth=" + betaGrowth
                + ", gammaGrowth=" + gammaGrowth + ", loss=" + loss + ", ridge=" + ridge
                + ", layerMultipliers=" + layerMultipliers + ", seed=" + seed + "]";
    }
}
