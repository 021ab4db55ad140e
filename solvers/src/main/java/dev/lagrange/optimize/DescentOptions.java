package dev.lagrange.optimize;

/**
 * Options of {@link GradientDescent}, validated on construction; {@code with...} returns a copy.
 *
 * @param gradientTolerance converged when {@code ||grad f||_inf} is at most this
 * @param maxIterations the iteration limit
 * @param initialStep the first trial step length (later line searches start from twice the last
 *     accepted step, at most {@code maxStep})
 * @param maxStep the largest trial step length
 * @param armijo c_1 in the sufficient-decrease test {@code f(x + t d) <= f(x) - c_1 t ||g||^2}, in (0, 1)
 * @param shrink the backtracking factor, in (0, 1)
 * @param maxBacktracks how many times a line search may shrink the step before it fails
 * @param recordHistory whether to keep one {@link OptimizeResult.Iterate} per iteration
 */
public record DescentOptions(double gradientTolerance, int maxIterations, double initialStep, double maxStep,
        double armijo, double shrink, int maxBacktracks, boolean recordHistory) {
    public DescentOptions {
        if (!(gradientTolerance >= 0)) {
            throw new IllegalArgumentException("gradientTolerance must be non-negative: " + gradientTolerance);
        }
        if (maxIterations < 0) {
            throw new IllegalArgumentException("maxIterations must be non-negative: " + maxIterations);
        }
        if (!(initialStep > 0) || !(maxStep >= initialStep)) {
            throw new IllegalArgumentException("need 0 < initialStep <= maxStep: " + initialStep + ", " + maxStep);
        }
        if (!(armijo > 0 && armijo < 1)) {
            throw new IllegalArgumentException("armijo must be in (0, 1): " + armijo);
        }
        if (!(shrink > 0 && shrink < 1)) {
            throw new IllegalArgumentException("shrink must be in (0, 1): " + shrink);
        }
        if (maxBacktracks < 1) {
            throw new IllegalArgumentException("maxBacktracks must be at least 1: " + maxBacktracks);
        }
    }

    /**
     * Gradient tolerance 1e-6, 10000 iterations, first step 1 (at most 1e6), c_1 = 1e-4, shrink 0.5,
     * 60 backtracks, no history.
     */
    public static DescentOptions defaults() {
        return new DescentOptions(1e-6, 10_000, 1, 1e6, 1e-4, 0.5, 60, false);
    }

    public DescentOptions withGradientTolerance(double t) {
        return new DescentOptions(t, maxIterations, initialStep, maxStep, armijo, shrink, maxBacktracks, recordHistory);
    }

    public DescentOptions withMaxIterations(int m) {
        return new DescentOptions(gradientTolerance, m, initialStep, maxStep, armijo, shrink, maxBacktracks, recordHistory);
    }

    public DescentOptions withInitialStep(double s) {
        return new DescentOptions(gradientTolerance, maxIterations, s, Math.max(s, maxStep), armijo, shrink,
                maxBacktracks, recordHistory);
    }

    public DescentOptions withHistory(boolean record) {
        return new DescentOptions(gradientTolerance, maxIterations, initialStep, maxStep, armijo, shrink, maxBacktracks,
                record);
    }
}
