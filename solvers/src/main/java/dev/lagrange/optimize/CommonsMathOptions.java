package dev.lagrange.optimize;

/**
 * Options of the {@link CommonsMathOptimizers} adapters, validated on construction.
 *
 * @param relativeTolerance converged when successive objective values differ by at most this times
 *     their magnitude (commons-math3's {@code SimpleValueChecker}; BOBYQA: its stopping trust radius)
 * @param absoluteTolerance ... or by at most this
 * @param maxEvaluations the limit on objective evaluations (program solves as commons-math counts them)
 * @param initialStep the conjugate-gradient line search's first bracketing step, the Nelder-Mead
 *     simplex's edge, BOBYQA's initial trust radius
 */
public record CommonsMathOptions(double relativeTolerance, double absoluteTolerance, int maxEvaluations,
        double initialStep) {
    public CommonsMathOptions {
        if (!(relativeTolerance > 0) || !(absoluteTolerance > 0)) {
            throw new IllegalArgumentException("tolerances must be positive: " + relativeTolerance + ", "
                    + absoluteTolerance);
        }
        if (maxEvaluations < 1) {
            throw new IllegalArgumentException("maxEvaluations must be at least 1: " + maxEvaluations);
        }
        if (!(initialStep > 0)) {
            throw new IllegalArgumentException("initialStep must be positive: " + initialStep);
        }
    }

    /** Relative tolerance 1e-12, absolute 1e-14, 100000 evaluations, initial step 1. */
    public static CommonsMathOptions defaults() {
        return new CommonsMathOptions(1e-12, 1e-14, 100_000, 1);
    }

    public CommonsMathOptions withMaxEvaluations(int m) {
        return new CommonsMathOptions(relativeTolerance, absoluteTolerance, m, initialStep);
    }

    public CommonsMathOptions withInitialStep(double s) {
        return new CommonsMathOptions(relativeTolerance, absoluteTolerance, maxEvaluations, s);
    }

    public CommonsMathOptions withTolerances(double relative, double absolute) {
        return new CommonsMathOptions(relative, absolute, maxEvaluations, initialStep);
    }
}
