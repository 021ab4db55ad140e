package dev.lagrange.lang;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The errors found in one source, located by character offset and reported as
 * {@code FILE:LINE:COLUMN}. An error repeated at the same place (a loop body parsed once per
 * iteration) is kept once; after {@link #LIMIT} errors parsing stops.
 */
final class Diagnostics {
    /** The most errors reported for one source. */
    static final int LIMIT = 100;

    /** Thrown when the error limit is reached: parsing stops and the errors so far are reported. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }

    private final String file;
    private final String source;
    private int[] lineStart; // computed at the first error: a correct program never needs it
    private final List<long[]> located = new ArrayList<>(); // {offset, sequence}
    private final List<String> messages = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    Diagnostics(String file, String source) {
        this.file = file;
        this.source = source;
    }

    private int[] lineStarts() {
        if (lineStart == null) {
            int lines = 1;
            for (int i = 0; i < source.length(); i++) {
                if (source.charAt(i) == '\n') {
                    lines++;
                }
            }
            lineStart = new int[lines];
            for (int i = 0, k = 1; i < source.length(); i++) {
                if (source.charAt(i) == '\n') {
                    lineStart[k++] = i + 1;
                }
            }
        }
        return lineStart;
    }

    /** Records an error at character {@code offset}. */
    void error(int offset, String message) {
        if (!seen.add(offset + ":" + message)) {
            return;
        }
        if (messages.size() == LIMIT) {
            located.add(new long[] {offset, messages.size()});
            messages.add("too many errors; stopping after " + LIMIT);
            throw new Stop();
        }
        located.add(new long[] {offset, messages.size()});
        messages.add(message);
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    /** 1-based line of {@code offset}. */
    int line(int offset) {
        int k = Arrays.binarySearch(lineStarts(), offset);
        return k >= 0 ? k + 1 : -k - 1;
    }

    /** 1-based column of {@code offset}. */
    int column(int offset) {
        return offset - lineStarts()[line(offset) - 1] + 1;
    }

    /** {@code LINE:COLUMN} of {@code offset}, for messages that point at a second place. */
    String where(int offset) {
        return line(offset) + ":" + column(offset);
    }

    /** The errors in source order (errors at one place in the order found; the limit notice last). */
    List<Diagnostic> sorted() {
        List<long[]> order = new ArrayList<>(located);
        int limitNotice = messages.size() > LIMIT ? LIMIT : -1;
        order.sort(Comparator.<long[]>comparingInt(e -> e[1] == limitNotice ? 1 : 0)
                .thenComparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        List<Diagnostic> out = new ArrayList<>(order.size());
        for (long[] e : order) {
            int offset = (int) e[0];
            out.add(new Diagnostic(file, line(offset), column(offset), messages.get((int) e[1])));
        }
        return out;
    }
}
