package dev.lagrange.cli;

import java.util.List;

/**
 * An expected way for a command to fail: the lines to print on standard error and the exit status.
 * Thrown by the commands, turned into output by {@link Main}; never shown as a stack trace.
 */
final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;
    private final List<String> lines;

    Failure(int exitCode, List<String> lines) {
        super(String.join("\n", lines), null, false, false);
        this.exitCode = exitCode;
        this.lines = List.copyOf(lines);
    }

    Failure(int exitCode, String line) {
        this(exitCode, List.of(line));
    }

    /** A wrong program or command line: exit status 2. */
    static Failure usage(String line) {
        return new Failure(Main.EXIT_USAGE, line);
    }

    int exitCode() {
        return exitCode;
    }

    List<String> lines() {
        return lines;
    }
}
