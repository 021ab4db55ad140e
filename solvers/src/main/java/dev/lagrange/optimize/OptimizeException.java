package dev.lagrange.optimize;

/** Thrown by {@link OptimizeResult#orThrow()} for callers who prefer an exception to a status. */
public final class OptimizeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient OptimizeResult result;

    public OptimizeException(OptimizeResult result) {
        super(result.status().jsonName() + ": " + result.message());
        this.result = result;
    }

    /** The result that did not converge. */
    public OptimizeResult result() {
        return result;
    }
}
