package dev.lagrange.solve;

/** How a solve ended. Only {@link #CONVERGED} carries a trustworthy point. */
public enum SolveStatus {
    /** Every constraint and multiplier equation holds to tolerance. */
    CONVERGED,
    /** An iterative method stopped at its iteration limit or stalled above tolerance. */
    NOT_CONVERGED,
    /** A Jacobian was singular or too ill-conditioned to solve with. */
    SINGULAR,
    /** A value or multiplier became infinite or NaN. */
    NON_FINITE,
    /** The program has a structure this solver does not handle (a cyclic block for substitution). */
    UNSUPPORTED;

    /** The lower-case name used in JSON output. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
