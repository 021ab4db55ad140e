package dev.lagrange.sparsity;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import dev.lagrange.program.Condensation;
import dev.lagrange.program.Program;
import dev.lagrange.program.VectorKernels;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The sparsity structure of the objective's Hessian over the inputs, read from the graph: which
 * pairs of inputs can interact nonlinearly. Two sweeps (A. Walther, "Computing sparse Hessians with
 * automatic differentiation", ACM TOMS 34, 2008):
 * <ol>
 *   <li>forward, the set of inputs each slot depends on ({@code N_j}: unions along arguments; every
 *       slot of a cyclic block depends on everything the block reads from outside);</li>
 *   <li>for each node whose multiplier can be nonzero (it reaches the objective), its nonlinear
 *       interactions: {@code N_a x N_a} where {@code d2f/da2} can be nonzero, {@code N_a x N_b} for
 *       {@code d2f/da db}, and so on ({@link Primitive#secondPartialPattern}); the vector nodes entry
 *       by entry, as their second-order rules in {@code SecondOrder} pair them; a cyclic block, and a
 *       vector node without such a rule, makes all it depends on interact.</li>
 * </ol>
 * The result over-approximates the nonzeros (an entry that cancels numerically is kept) and never
 * misses one. Symmetric; stored as sorted adjacency rows, the diagonal flagged apart. Time
 * O(sum_j |N_j| + the pairs made), memory the same.
 */
public final class HessianPattern {
    private final int size;
    private final int[][] neighbours;
    private final boolean[] diagonal;

    private HessianPattern(int size, int[][] neighbours, boolean[] diagonal) {
        this.size = size;
        this.neighbours = neighbours;
        this.diagonal = diagonal;
    }

    /** The pattern of {@code program}'s objective. */
    public static HessianPattern of(Program program) {
        int d = program.inputCount();
        int[][] depends = dependencies(program);
        boolean[] reaches = reachesObjective(program);
        PairSet pairs = new PairSet(d);
        java.util.Map<Rule, Integer> cache = new java.util.HashMap<>();
        Condensation segments = program.blocks();
        for (int k = 0; k < segments.segmentCount(); k++) {
            int from = segments.segmentStart(k);
            int to = segments.segmentEnd(k);
            if (segments.segmentIsCyclic(k)) {
                if (reaches[from]) {
                    int[] all = depends[program.slot(from)];
                    pairs.addProduct(all, all);
                }
                continue;
            }
            for (int i = from; i < to; i++) {
                if (reaches[i]) {
                    interactions(program, i, depends, pairs, cache);
                }
            }
        }
        return pairs.pattern();
    }

    /**
     * A pattern given by its entries: {@code rows[k], columns[k]} is a nonzero (either triangle; the
     * pattern is made symmetric). For tests and for callers who know their structure.
     */
    public static HessianPattern ofEntries(int size, int[] rows, int[] columns) {
        PairSet pairs = new PairSet(size);
        for (int k = 0; k < rows.length; k++) {
            pairs.add(rows[k], columns[k]);
        }
        return pairs.pattern();
    }

    /** The number of inputs (rows and columns). */
    public int size() {
        return size;
    }

    /** The off-diagonal nonzero columns of row i, ascending. Not to be modified. */
    public int[] neighbours(int i) {
        return neighbours[i];
    }

    /** Whether {@code H_ii} can be nonzero. */
    public boolean hasDiagonal(int i) {
        return diagonal[i];
    }

    /** The number of structural nonzeros in the lower triangle, diagonal included. */
    public int lowerCount() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            n += diagonal[i] ? 1 : 0;
            for (int j : neighbours[i]) {
                n += j < i ? 1 : 0;
            }
        }
        return n;
    }

    /** Whether {@code (i, j)} can be nonzero. */
    public boolean contains(int i, int j) {
        return i == j ? diagonal[i] : Arrays.binarySearch(neighbours[i], j) >= 0;
    }

    /** The inputs each slot depends on, as sorted arrays (shared between slots where they are equal). */
    private static int[][] dependencies(Program p) {
        int[][] depends = new int[p.slotCount()][];
        int[] none = new int[0];
        for (int k = 0; k < p.inputCount(); k++) {
            depends[p.inputSlot(k)] = new int[] {k};
        }
        Condensation segments = p.blocks();
        int[] positions = new int[16];
        int[] argSlots = new int[16];
        for (int seg = 0; seg < segments.segmentCount(); seg++) {
            int from = segments.segmentStart(seg);
            int to = segments.segmentEnd(seg);
            if (segments.segmentIsCyclic(seg)) {
                int lo = p.slot(from);
                int hi = p.slot(to - 1) + p.width(to - 1);
                int[] union = none;
                for (int i = from; i < to; i++) {
                    for (int a : p.arguments(i)) {
                        for (int s = p.slot(a), end = s + p.width(a); s < end; s++) {
                            if (s < lo || s >= hi) {
                                union = union(union, depends[s]);
                            }
                        }
                    }
                }
                Arrays.fill(depends, lo, hi, union);
                continue;
            }
            for (int i = from; i < to; i++) {
                int s = p.slot(i);
                if (p.isVector(i)) {
                    if (p.vectorPrimitive(i) == VectorPrimitive.INPUT) {
                        continue; // set above, entry by entry
                    }
                    int length = VectorKernels.rowLength(p, i);
                    if (positions.length < length) {
                        positions = new int[length];
                        argSlots = new int[length];
                    }
                    VectorKernels.argumentSlots(p, i, argSlots);
                    for (int r = 0, w = p.width(i); r < w; r++) {
                        int count = VectorKernels.rowSupport(p, i, r, positions);
                        int[] u = none;
                        for (int e = 0; e < count; e++) {
                            u = union(u, depends[argSlots[positions[e]]]);
                        }
                        depends[s + r] = u;
                    }
                    continue;
                }
                Primitive f = p.primitive(i);
                if (f == Primitive.INPUT) {
                    continue;
                }
                int[] u = none;
                for (int a : p.arguments(i)) {
                    u = union(u, depends[p.slot(a)]);
                }
                depends[s] = u;
            }
        }
        for (int s = 0; s < depends.length; s++) {
            if (depends[s] == null) {
                depends[s] = none;
            }
        }
        return depends;
    }

    /** Whether each node's multiplier can be nonzero: it is the objective or an argument of one that is. */
    private static boolean[] reachesObjective(Program p) {
        boolean[] reaches = new boolean[p.size()];
        reaches[p.objective()] = true;
        Condensation segments = p.blocks();
        for (int seg = segments.segmentCount() - 1; seg >= 0; seg--) {
            int from = segments.segmentStart(seg);
            int to = segments.segmentEnd(seg);
            boolean any = false;
            for (int i = from; i < to; i++) {
                any |= reaches[i];
            }
            if (segments.segmentIsCyclic(seg) && any) {
                Arrays.fill(reaches, from, to, true);
            }
            for (int i = to - 1; i >= from; i--) {
                if (reaches[i]) {
                    for (int a : p.arguments(i)) {
                        reaches[a] = true;
                    }
                }
            }
        }
        return reaches;
    }

    /** {@link Primitive#secondPartialPattern}, once per primitive and constant (it samples four points). */
    private static int secondPartials(Primitive f, double q, java.util.Map<Rule, Integer> cache) {
        return cache.computeIfAbsent(new Rule(f, q), k -> f.secondPartialPattern(q));
    }

    /** A primitive with its constant: what its second-partial structure depends on. */
    private record Rule(Primitive f, double q) {
    }

    /** The pairs node i makes interact, from its second-order structure. */
    private static void interactions(Program p, int i, int[][] n, PairSet pairs, java.util.Map<Rule, Integer> cache) {
        int[] args = p.arguments(i);
        double[] c = p.parameters(i);
        if (!p.isVector(i)) {
            Primitive f = p.primitive(i);
            if (f == Primitive.INPUT || f == Primitive.CONSTANT || f == Primitive.WEIGHTED_SUM) {
                return;
            }
            int bits = secondPartials(f, c.length > 0 ? c[0] : 0, cache);
            int[] na = n[p.slot(args[0])];
            int[] nb = args.length > 1 ? n[p.slot(args[1])] : null;
            if ((bits & Primitive.AA) != 0) {
                pairs.addProduct(na, na);
            }
            if ((bits & Primitive.AB) != 0) {
                pairs.addProduct(na, nb);
            }
            if ((bits & Primitive.BB) != 0) {
                pairs.addProduct(nb, nb);
            }
            return;
        }
        int a = args.length > 0 ? p.slot(args[0]) : 0;
        int b = args.length > 1 ? p.slot(args[1]) : 0;
        switch (p.vectorPrimitive(i)) {
            case INPUT, COPY, ADD, SUB, SCALE, AFFINE, SUM, ELEMENT, STACK, STEP -> { } // linear or piecewise constant
            case MAP -> {
                Primitive f = VectorPrimitive.scalar(c, 0);
                if ((secondPartials(f, c[2], cache) & Primitive.AA) != 0) {
                    for (int k = 0, w = (int) c[0]; k < w; k++) {
                        pairs.addProduct(n[a + k], n[a + k]);
                    }
                }
            }
            case ZIP -> {
                int bits = secondPartials(VectorPrimitive.scalar(c, 0), 0, cache);
                for (int k = 0, w = (int) c[0]; k < w; k++) {
                    if ((bits & Primitive.AA) != 0) {
                        pairs.addProduct(n[a + k], n[a + k]);
                    }
                    if ((bits & Primitive.AB) != 0) {
                        pairs.addProduct(n[a + k], n[b + k]);
                    }
                    if ((bits & Primitive.BB) != 0) {
                        pairs.addProduct(n[b + k], n[b + k]);
                    }
                }
            }
            case HADAMARD, DOT -> {
                for (int k = 0, w = (int) c[0]; k < w; k++) {
                    pairs.addProduct(n[a + k], n[b + k]);
                }
            }
            case SCALE_BY -> {
                for (int k = 0, w = (int) c[0]; k < w; k++) {
                    pairs.addProduct(n[a], n[b + k]);
                }
            }
            case MATVEC -> { // (W, x): W_rj x_j
                int rows = (int) c[0];
                int cols = (int) c[1];
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        pairs.addProduct(n[a + r * cols + j], n[b + j]);
                    }
                }
            }
            case MATVEC_T -> { // (y, W): y_r W_rj
                int rows = (int) c[0];
                int cols = (int) c[1];
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        pairs.addProduct(n[a + r], n[b + r * cols + j]);
                    }
                }
            }
            case OUTER -> {
                int rows = (int) c[0];
                int cols = (int) c[1];
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        pairs.addProduct(n[a + r], n[b + j]);
                    }
                }
            }
            case SQUARED_LOSS -> {
                for (int k = 0, w = (int) c[0]; k < w; k++) {
                    int[] u = union(n[a + k], n[b + k]);
                    pairs.addProduct(u, u);
                }
            }
            case SPARSE_MATVEC -> { // (A, x): A_e x_col(e)
                int rows = (int) c[0];
                int start = VectorPrimitive.SPARSE_ROW_START;
                int cols = start + rows + 1;
                for (int e = 0, nnz = (int) c[2]; e < nnz; e++) {
                    pairs.addProduct(n[a + e], n[b + (int) c[cols + e]]);
                }
            }
            default -> { // softmax, logsumexp, cross-entropy: everything it reads may interact
                int[] all = new int[0];
                int[] slots = new int[VectorKernels.rowLength(p, i)];
                int count = VectorKernels.argumentSlots(p, i, slots);
                for (int e = 0; e < count; e++) {
                    all = union(all, n[slots[e]]);
                }
                pairs.addProduct(all, all);
            }
        }
    }

    /** The union of two sorted sets; returns an argument itself when it already holds the other. */
    static int[] union(int[] x, int[] y) {
        if (y.length == 0 || x == y) {
            return x;
        }
        if (x.length == 0) {
            return y;
        }
        int[] out = new int[x.length + y.length];
        int i = 0;
        int j = 0;
        int m = 0;
        while (i < x.length || j < y.length) {
            int v;
            if (j >= y.length || i < x.length && x[i] < y[j]) {
                v = x[i++];
            } else if (i >= x.length || y[j] < x[i]) {
                v = y[j++];
            } else {
                v = x[i++];
                j++;
            }
            out[m++] = v;
        }
        if (m == x.length) {
            return x;
        }
        if (m == y.length) {
            return y;
        }
        return Arrays.copyOf(out, m);
    }

    /** Symmetric pairs of inputs, collected then sorted into rows. */
    private static final class PairSet {
        private final int size;
        private final Set<Long> offDiagonal = new HashSet<>();
        private final boolean[] diagonal;

        PairSet(int size) {
            this.size = size;
            this.diagonal = new boolean[size];
        }

        void add(int i, int j) {
            if (i == j) {
                diagonal[i] = true;
            } else {
                offDiagonal.add((long) Math.min(i, j) * size + Math.max(i, j));
            }
        }

        void addProduct(int[] x, int[] y) {
            for (int i : x) {
                for (int j : y) {
                    add(i, j);
                }
            }
        }

        HessianPattern pattern() {
            int[] degree = new int[size];
            for (long key : offDiagonal) {
                degree[(int) (key / size)]++;
                degree[(int) (key % size)]++;
            }
            int[][] rows = new int[size][];
            for (int i = 0; i < size; i++) {
                rows[i] = new int[degree[i]];
            }
            int[] fill = new int[size];
            for (long key : offDiagonal) {
                int i = (int) (key / size);
                int j = (int) (key % size);
                rows[i][fill[i]++] = j;
                rows[j][fill[j]++] = i;
            }
            for (int[] row : rows) {
                Arrays.sort(row);
            }
            return new HessianPattern(size, rows, diagonal.clone());
        }
    }
}
