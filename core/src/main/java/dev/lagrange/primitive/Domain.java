package dev.lagrange.primitive;

import java.util.Random;

/**
 * Where a primitive's argument may be sampled when its partial derivatives are tested: inside the
 * function's domain and away from its kinks, so that central differences are meaningful there.
 */
public enum Domain {
    /** Any real number; sampled from (-2, 2). */
    REALS(-2, 2),
    /** Strictly positive numbers; sampled from (0.2, 3). */
    POSITIVE(0.2, 3),
    /** Nonzero numbers (a divisor, a kink at 0); sampled from +-(0.2, 2). */
    NONZERO(0.2, 2),
    /** The principal branch of tan; sampled from (-1.2, 1.2). */
    TAN(-1.2, 1.2);

    private final double low;
    private final double high;

    Domain(double low, double high) {
        this.low = low;
        this.high = high;
    }

    /** A point of this domain drawn from {@code random}. */
    public double sample(Random random) {
        double u = low + (high - low) * random.nextDouble();
        return this == NONZERO && random.nextBoolean() ? -u : u;
    }
}
