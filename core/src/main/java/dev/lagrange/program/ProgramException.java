package dev.lagrange.program;

import java.util.List;

/**
 * A program that is not well formed: a name assigned twice, a variable declared but never defined,
 * no output. The message names the variables involved; {@link #names()} lists them.
 */
public final class ProgramException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> names;

    public ProgramException(String message, List<String> names) {
        super(message);
        this.names = List.copyOf(names);
    }

    /** The variables the message is about. */
    public List<String> names() {
        return names;
    }
}
