package dev.lagrange.lang;

import dev.lagrange.program.Program;

/** Parses the {@code .lag} language into a {@link Program}. */
public final class LagParser {
    private LagParser() {
    }

    /**
     * Parses {@code source} into the program the Java builder would build for it.
     *
     * @param file the name used in diagnostics
     * @throws LagException listing every error found
     */
    public static Program parse(String source, String file) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
