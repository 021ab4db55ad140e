package dev.lagrange.lang;

import java.util.List;

/** A {@code .lag} program that cannot be built: every error found, in source order. */
public final class LagException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<Diagnostic> diagnostics;

    public LagException(List<Diagnostic> diagnostics) {
        super(diagnostics.isEmpty() ? "invalid program" : diagnostics.get(0).toString());
        this.diagnostics = List.copyOf(diagnostics);
    }

    /** The errors, in source order; never empty. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
