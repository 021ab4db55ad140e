package dev.lagrange.program;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The condensation of a program's dependency graph into strongly connected components, in
 * evaluation order. Components of one node without a self-loop are solved by substitution; the
 * others are <i>cyclic blocks</i> {@code g(z_B) = 0} that need a nonlinear solve.
 *
 * <p>The program's nodes are numbered so that each cyclic block is a contiguous range and every node
 * comes after the blocks it reads. The nodes therefore split into <i>segments</i>: maximal acyclic
 * runs, solved in order by substitution, and cyclic blocks.
 *
 * <p>Found by Tarjan's algorithm (R. Tarjan, "Depth-first search and linear graph algorithms", SIAM
 * J. Comput. 1972), written iteratively so that a chain of 10^6 nodes needs no deep call stack;
 * O(V + E) time and memory.
 */
public final class Condensation {
    private final int[] cyclic;      // pairs [start, end) of cyclic blocks, ascending
    private final int[] segmentBound; // segment k is [segmentBound[k], segmentBound[k + 1])
    private final boolean[] segmentCyclic;

    Condensation(int n, int[] cyclicBlocks) {
        this.cyclic = cyclicBlocks;
        List<int[]> segments = new ArrayList<>();
        int at = 0;
        for (int k = 0; k < cyclicBlocks.length; k += 2) {
            if (cyclicBlocks[k] > at) {
                segments.add(new int[] {at, cyclicBlocks[k], 0});
            }
            segments.add(new int[] {cyclicBlocks[k], cyclicBlocks[k + 1], 1});
            at = cyclicBlocks[k + 1];
        }
        if (at < n || segments.isEmpty()) {
            segments.add(new int[] {at, n, 0});
        }
        segmentBound = new int[segments.size() + 1];
        segmentCyclic = new boolean[segments.size()];
        for (int k = 0; k < segments.size(); k++) {
            segmentBound[k] = segments.get(k)[0];
            segmentCyclic[k] = segments.get(k)[2] == 1;
        }
        segmentBound[segments.size()] = n;
    }

    /** The number of cyclic blocks. */
    public int cyclicCount() {
        return cyclic.length / 2;
    }

    /** The first node of cyclic block {@code k}. */
    public int cyclicStart(int k) {
        return cyclic[2 * k];
    }

    /** One past the last node of cyclic block {@code k}. */
    public int cyclicEnd(int k) {
        return cyclic[2 * k + 1];
    }

    /** The index of the cyclic block that holds {@code node}, or -1 if it is in none. */
    public int cyclicBlockOf(int node) {
        int lo = 0;
        int hi = cyclicCount() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (node < cyclic[2 * mid]) {
                hi = mid - 1;
            } else if (node >= cyclic[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** The number of segments: acyclic runs and cyclic blocks, in evaluation order. */
    public int segmentCount() {
        return segmentCyclic.length;
    }

    /** The first node of segment {@code k}. */
    public int segmentStart(int k) {
        return segmentBound[k];
    }

    /** One past the last node of segment {@code k}. */
    public int segmentEnd(int k) {
        return segmentBound[k + 1];
    }

    /** Whether segment {@code k} is a cyclic block. */
    public boolean segmentIsCyclic(int k) {
        return segmentCyclic[k];
    }

    /** An evaluation order of a graph given as CSR adjacency from each node to the nodes it reads. */
    static final class Ordering {
        final int[] order;
        final int[] rank;
        final int[] cyclicBlocks;
        final boolean identity;

        Ordering(int[] order, int[] rank, int[] cyclicBlocks, boolean identity) {
            this.order = order;
            this.rank = rank;
            this.cyclicBlocks = cyclicBlocks;
            this.identity = identity;
        }
    }

    static Ordering order(int n, int[] start, int[] adj) {
        int[] index = new int[n];
        Arrays.fill(index, -1);
        int[] low = new int[n];
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int[] callNode = new int[n];
        int[] callEdge = new int[n];
        int[] order = new int[n];
        int[] cyclic = new int[8];
        int cyclicLength = 0;
        int sp = 0;
        int emitted = 0;
        int counter = 0;
        for (int root = 0; root < n; root++) {
            if (index[root] != -1) {
                continue;
            }
            int csp = 0;
            index[root] = low[root] = counter++;
            stack[sp++] = root;
            onStack[root] = true;
            callNode[csp] = root;
            callEdge[csp++] = start[root];
            while (csp > 0) {
                int v = callNode[csp - 1];
                int e = callEdge[csp - 1];
                if (e < start[v + 1]) {
                    callEdge[csp - 1]++;
                    int w = adj[e];
                    if (index[w] == -1) {
                        index[w] = low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        callNode[csp] = w;
                        callEdge[csp++] = start[w];
                    } else if (onStack[w] && index[w] < low[v]) {
                        low[v] = index[w];
                    }
                    continue;
                }
                csp--;
                if (csp > 0) {
                    int u = callNode[csp - 1];
                    if (low[v] < low[u]) {
                        low[u] = low[v];
                    }
                }
                if (low[v] != index[v]) {
                    continue;
                }
                int first = emitted;
                int w;
                do {
                    w = stack[--sp];
                    onStack[w] = false;
                    order[emitted++] = w;
                } while (w != v);
                boolean isCyclic = emitted - first > 1;
                if (!isCyclic) {
                    for (int k = start[v]; k < start[v + 1]; k++) {
                        isCyclic |= adj[k] == v;
                    }
                }
                if (isCyclic) {
                    Arrays.sort(order, first, emitted);
                    if (cyclicLength + 2 > cyclic.length) {
                        cyclic = Arrays.copyOf(cyclic, cyclic.length * 2);
                    }
                    cyclic[cyclicLength++] = first;
                    cyclic[cyclicLength++] = emitted;
                }
            }
        }
        int[] rank = new int[n];
        boolean identity = true;
        for (int i = 0; i < n; i++) {
            rank[order[i]] = i;
            identity &= order[i] == i;
        }
        return new Ordering(order, rank, Arrays.copyOf(cyclic, cyclicLength), identity);
    }
}
