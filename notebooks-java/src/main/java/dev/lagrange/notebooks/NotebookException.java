package dev.lagrange.notebooks;

/**
 * A notebook that did not run: a snippet the compiler rejected, an exception thrown by a cell, or a
 * file that is not a notebook. The message names the notebook, the cell (1-based, with its
 * {@code In [n]} number) and the snippet.
 */
public final class NotebookException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotebookException(String message) {
        super(message);
    }
}
