package dev.lagrange.solve;

/** Thrown by {@link SolveResult#orThrow()} for callers who prefer an exception to a status. */
public final class SolveException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient SolveResult result;

    public SolveException(SolveResult result) {
        super(result.status().jsonName() + ": " + result.message());
        this.result = result;
    }

    /** The result that did not converge. */
    public SolveResult result() {
        return result;
    }
}
