package dev.lagrange.solve.newton;

import java.util.Arrays;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.sparse.ComputePermutation;

/**
 * A fill-reducing column ordering for EJML's sparse LU, which has none of its own: reverse
 * Cuthill-McKee on the pattern of {@code A + A^T}. Each connected component is numbered breadth-first
 * from a pseudo-peripheral vertex of least degree, neighbours by increasing degree, and the order is
 * reversed, which narrows the profile, and so bounds the fill of an LU without much pivoting (E.
 * Cuthill and J. McKee, 1969; A. George, 1971; the pseudo-peripheral start of N. Gibbs, W. Poole and
 * P. Stockmeyer, 1976). O(nnz log(max degree)) time, O(n + nnz) memory.
 *
 * <p>Plugged in through {@link ComputePermutation} as a row permutation p, which EJML's sparse LU
 * applies to rows and columns alike: position k of the permuted matrix holds row and column
 * {@code p[k]} of A.
 */
public final class ReverseCuthillMcKee extends ComputePermutation<DMatrixSparseCSC> {
    public ReverseCuthillMcKee() {
        super(true, false);
    }

    @Override
    public void process(DMatrixSparseCSC a) {
        int n = a.numCols;
        int[][] graph = symmetricPattern(a);
        int[] start = graph[0];
        int[] adj = graph[1];
        int[] order = order(n, start, adj);
        prow.reshape(n);
        System.arraycopy(order, 0, prow.data, 0, n);
    }

    /** The RCM order of a symmetric graph in CSR form (no self loops): position k holds a vertex. */
    static int[] order(int n, int[] start, int[] adj) {
        int[] order = new int[n];
        boolean[] placed = new boolean[n];
        int[] level = new int[n];
        Arrays.fill(level, -1);
        int count = 0;
        for (int seed = 0; seed < n; seed++) {
            if (placed[seed]) {
                continue;
            }
            int root = peripheral(seed, start, adj, level);
            int head = count;
            order[count++] = root;
            placed[root] = true;
            while (head < count) {
                int v = order[head++];
                int first = count;
                for (int k = start[v]; k < start[v + 1]; k++) {
                    int w = adj[k];
                    if (!placed[w]) {
                        placed[w] = true;
                        order[count++] = w;
                    }
                }
                sortByDegree(order, first, count, start);
            }
        }
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A vertex of (near) maximal eccentricity in seed's component, by repeated breadth-first sweeps. */
    private static int peripheral(int seed, int[] start, int[] adj, int[] level) {
        int root = seed;
        int depth = -1;
        for (int sweep = 0; sweep < 8; sweep++) {
            int[] far = breadthFirst(root, start, adj, level);
            if (far[1] <= depth) {
                break;
            }
            depth = far[1];
            root = far[0];
        }
        return root;
    }

    /** {last-level vertex of least degree, eccentricity of root}; level is scratch. */
    private static int[] breadthFirst(int root, int[] start, int[] adj, int[] level) {
        int[] queue = new int[8];
        int head = 0;
        int tail = 0;
        queue[tail++] = root;
        level[root] = 0;
        int[] visited = new int[8];
        int seen = 0;
        visited[seen++] = root;
        int best = root;
        int depth = 0;
        while (head < tail) {
            int v = queue[head++];
            if (level[v] > depth || (level[v] == depth && degree(v, start) < degree(best, start))) {
                depth = level[v];
                best = v;
            }
            for (int k = start[v]; k < start[v + 1]; k++) {
                int w = adj[k];
                if (level[w] < 0 && w != root) {
                    level[w] = level[v] + 1;
                    if (tail == queue.length) {
                        queue = Arrays.copyOf(queue, 2 * tail);
                    }
                    queue[tail++] = w;
                    if (seen == visited.length) {
                        visited = Arrays.copyOf(visited, 2 * seen);
                    }
                    visited[seen++] = w;
                }
            }
        }
        for (int k = 0; k < seen; k++) {
            level[visited[k]] = -1;
        }
        return new int[] {best, depth};
    }

    private static int degree(int v, int[] start) {
        return start[v + 1] - start[v];
    }

    private static void sortByDegree(int[] a, int from, int to, int[] start) {
        for (int i = from + 1; i < to; i++) {
            int v = a[i];
            int d = degree(v, start);
            int j = i - 1;
            while (j >= from && degree(a[j], start) > d) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    /** The pattern of {@code A + A^T} without the diagonal, CSR, each edge once per direction. */
    static int[][] symmetricPattern(DMatrixSparseCSC a) {
        int n = a.numCols;
        int[] degree = new int[n + 1];
        for (int c = 0; c < n; c++) {
            for (int k = a.col_idx[c]; k < a.col_idx[c + 1]; k++) {
                int r = a.nz_rows[k];
                if (r != c) {
                    degree[r + 1]++;
                    degree[c + 1]++;
                }
            }
        }
        for (int v = 0; v < n; v++) {
            degree[v + 1] += degree[v];
        }
        int[] adj = new int[degree[n]];
        int[] fill = Arrays.copyOf(degree, n);
        for (int c = 0; c < n; c++) {
            for (int k = a.col_idx[c]; k < a.col_idx[c + 1]; k++) {
                int r = a.nz_rows[k];
                if (r != c) {
                    adj[fill[r]++] = c;
                    adj[fill[c]++] = r;
                }
            }
        }
        // duplicates (an entry and its transpose both present) only cost time: remove them
        int[] start = new int[n + 1];
        int[] mark = new int[n];
        Arrays.fill(mark, -1);
        int e = 0;
        for (int v = 0; v < n; v++) {
            start[v] = e;
            for (int k = degree[v]; k < degree[v + 1]; k++) {
                int w = adj[k];
                if (mark[w] != v) {
                    mark[w] = v;
                    adj[e++] = w;
                }
            }
        }
        start[n] = e;
        return new int[][] {start, Arrays.copyOf(adj, e)};
    }
}
