package dev.lagrange.optimize;

/** Whether to minimise or maximise the objective. */
public enum Goal {
    MINIMIZE(1),
    MAXIMIZE(-1);

    private final int sign;

    Goal(int sign) {
        this.sign = sign;
    }

    /** +1 to minimise, -1 to maximise: every optimiser here minimises {@code sign * f}. */
    public int sign() {
        return sign;
    }
}
