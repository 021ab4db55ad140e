package dev.lagrange.solve.newton;

import java.util.Arrays;

/**
 * The structural rank of a sparsity pattern: the size of a maximum matching in the bipartite graph
 * of equations (rows) and unknowns (columns), with an edge wherever an entry may be nonzero. A square
 * pattern with no perfect matching is singular for every choice of values (structurally singular);
 * the unknowns it leaves undetermined are those reachable from an unmatched column by alternating
 * paths (the under-determined part of the Dulmage-Mendelsohn decomposition).
 *
 * <p>Maximum matching by Hopcroft and Karp ("An n^{5/2} algorithm for maximum matchings in
 * bipartite graphs", SIAM J. Comput. 1973), with iterative searches so that long augmenting paths
 * need no deep call stack: O(E sqrt(V)) time, O(V) memory beyond the pattern. Computed on first use
 * and cached; not thread-safe until then.
 */
public final class StructuralRank {
    private static final int FAR = Integer.MAX_VALUE;

    private final int rows;
    private final int cols;
    private final int[] start;
    private final int[] adj;
    private int[] rowMate;
    private int[] colMate;
    private int rank = -1;

    /**
     * @param rowStart Not modified: row r's columns are {@code adj[rowStart[r] .. rowStart[r + 1])}
     * @param adj Not modified: column indices in {@code [0, cols)}
     */
    public StructuralRank(int rows, int cols, int[] rowStart, int[] adj) {
        if (rows < 0 || cols < 0 || rowStart.length != rows + 1 || rowStart[rows] > adj.length) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " pattern needs " + (rows + 1)
                    + " row starts and as many column indices as the last says");
        }
        for (int k = 0; k < rowStart[rows]; k++) {
            if (adj[k] < 0 || adj[k] >= cols) {
                throw new IllegalArgumentException("column index " + adj[k] + " outside [0, " + cols + ")");
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.start = rowStart;
        this.adj = adj;
    }

    /** The size of a maximum matching. */
    public int rank() {
        match();
        return rank;
    }

    /** Whether the pattern is square and has a perfect matching. */
    public boolean isPerfect() {
        return rows == cols && rank() == rows;
    }

    /** The column matched to row {@code r}, or -1. */
    public int columnOf(int r) {
        match();
        return rowMate[r];
    }

    /** The rows no maximum matching found a column for (these depend on the matching), ascending. */
    public int[] unmatchedRows() {
        match();
        return unmatched(rowMate);
    }

    /** The columns left unmatched by the matching found, ascending. */
    public int[] unmatchedColumns() {
        match();
        return unmatched(colMate);
    }

    /**
     * The columns that some maximum matching leaves unmatched: those reachable from an unmatched
     * column by a path that alternates between an entry and a matched entry. These are the unknowns
     * the equations cannot determine, whatever the values. Ascending; empty when every column is
     * matched.
     */
    public int[] underdeterminedColumns() {
        match();
        int[] colStart = new int[cols + 1];
        for (int k = 0; k < start[rows]; k++) {
            colStart[adj[k] + 1]++;
        }
        for (int c = 0; c < cols; c++) {
            colStart[c + 1] += colStart[c];
        }
        int[] colRows = new int[start[rows]];
        int[] fill = Arrays.copyOf(colStart, cols);
        for (int r = 0; r < rows; r++) {
            for (int k = start[r]; k < start[r + 1]; k++) {
                colRows[fill[adj[k]]++] = r;
            }
        }
        boolean[] seen = new boolean[cols];
        int[] queue = new int[cols];
        int head = 0;
        int tail = 0;
        for (int c = 0; c < cols; c++) {
            if (colMate[c] < 0) {
                seen[c] = true;
                queue[tail++] = c;
            }
        }
        while (head < tail) {
            int c = queue[head++];
            for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                int next = rowMate[colRows[k]];
                if (next >= 0 && !seen[next]) {
                    seen[next] = true;
                    queue[tail++] = next;
                }
            }
        }
        int[] out = Arrays.copyOf(queue, tail);
        Arrays.sort(out);
        return out;
    }

    private static int[] unmatched(int[] mate) {
        int count = 0;
        for (int m : mate) {
            if (m < 0) {
                count++;
            }
        }
        int[] out = new int[count];
        for (int i = 0, k = 0; i < mate.length; i++) {
            if (mate[i] < 0) {
                out[k++] = i;
            }
        }
        return out;
    }

    private void match() {
        if (rank >= 0) {
            return;
        }
        rowMate = new int[rows];
        colMate = new int[cols];
        Arrays.fill(rowMate, -1);
        Arrays.fill(colMate, -1);
        int[] dist = new int[rows];
        int[] queue = new int[rows];
        int[] next = new int[rows];
        int[] stack = new int[rows];
        int[] via = new int[rows];
        int size = 0;
        while (layer(dist, queue)) {
            for (int r = 0; r < rows; r++) {
                next[r] = start[r];
            }
            for (int r = 0; r < rows; r++) {
                if (rowMate[r] < 0 && augment(r, dist, next, stack, via)) {
                    size++;
                }
            }
        }
        rank = size;
    }

    /** Breadth-first layering from the free rows; true when some free column is reachable. */
    private boolean layer(int[] dist, int[] queue) {
        int head = 0;
        int tail = 0;
        for (int r = 0; r < rows; r++) {
            if (rowMate[r] < 0) {
                dist[r] = 0;
                queue[tail++] = r;
            } else {
                dist[r] = FAR;
            }
        }
        boolean found = false;
        while (head < tail) {
            int r = queue[head++];
            for (int k = start[r]; k < start[r + 1]; k++) {
                int r2 = colMate[adj[k]];
                if (r2 < 0) {
                    found = true;
                } else if (dist[r2] == FAR) {
                    dist[r2] = dist[r] + 1;
                    queue[tail++] = r2;
                }
            }
        }
        return found;
    }

    /** A depth-first search for an augmenting path along the layers, with an explicit stack. */
    private boolean augment(int root, int[] dist, int[] next, int[] stack, int[] via) {
        int top = 0;
        stack[top++] = root;
        while (top > 0) {
            int r = stack[top - 1];
            if (next[r] == start[r + 1]) {
                dist[r] = FAR; // a dead end for the rest of this phase
                top--;
                continue;
            }
            int c = adj[next[r]++];
            int r2 = colMate[c];
            if (r2 < 0) {
                via[top - 1] = c;
                for (int k = top - 1; k >= 0; k--) {
                    rowMate[stack[k]] = via[k];
                    colMate[via[k]] = stack[k];
                }
                return true;
            }
            if (dist[r2] == dist[r] + 1) {
                via[top - 1] = c;
                stack[top++] = r2;
            }
        }
        return false;
    }
}
