package dev.lagrange.lang;

/**
 * One error in a {@code .lag} source, at a 1-based line and column.
 *
 * @param file the file name as the user gave it
 * @param line 1-based line
 * @param column 1-based column
 * @param message what is wrong, naming the offending token or name
 */
public record Diagnostic(String file, int line, int column, String message) {
    /** {@code FILE:LINE:COLUMN: error: message}, the form every error is printed in. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": error: " + message;
    }
}
