package dev.lagrange.lang;

import dev.lagrange.program.Program;

/** Writes a {@link Program} as {@code .lag} source such that parsing it gives the same program. */
public final class LagPrinter {
    private LagPrinter() {
    }

    public static String print(Program program) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
