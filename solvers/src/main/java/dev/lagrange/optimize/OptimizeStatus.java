package dev.lagrange.optimize;

/** How an optimisation ended. Only {@link #CONVERGED} promises a stationary point. */
public enum OptimizeStatus {
    /** The convergence test held: the gradient's max-norm (or the optimiser's own test) below tolerance. */
    CONVERGED,
    /** The iteration or evaluation limit was reached first; the result is the best point so far. */
    MAX_ITERATIONS,
    /** No step along the search direction decreased the objective enough (Armijo) within the backtracks. */
    LINE_SEARCH_FAILED,
    /** The program could not be solved at the starting point, so there is nothing to optimise. */
    SOLVE_FAILED;

    /** The lower-case name used in JSON output. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
