package dev.lagrange.sparsity;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A star colouring of a symmetric sparsity pattern, and the Hessian recovered from one
 * Hessian-vector product per colour (A. Gebremedhin, F. Manne, A. Pothen, "What color is your
 * Jacobian? Graph coloring for computing derivatives", SIAM Review 47, 2005, section 4).
 *
 * <p>A star colouring gives adjacent inputs different colours and every path on four inputs at
 * least three colours, so each two-coloured part of the graph is a star. Then for every nonzero
 * {@code H_ij}, j is the only neighbour of i with j's colour, or i the only neighbour of j with i's:
 * {@code H_ij} is read directly from the product with the seed of that colour (the sum of the unit
 * vectors of its inputs). A path (tridiagonal H) takes 3 colours, a star (arrowhead H) 2, a diagonal
 * 1, instead of one product per input.
 *
 * <p>The colouring is greedy in input order. Colouring an input is refused a colour c when a
 * neighbour has it, or when it would close a two-coloured path on four coloured inputs: with it at
 * the end ({@code v - w - x - y}, x of colour c, y of w's colour) or inside ({@code a - v - w - y},
 * a and w of one colour, y of colour c). Every such path is checked when its last input is coloured,
 * so the result is a star colouring. O(sum over inputs of degree times the neighbours' degrees).
 */
public final class StarColouring {
    private final HessianPattern pattern;
    private final int[] colour;
    private final int colours;

    private StarColouring(HessianPattern pattern, int[] colour, int colours) {
        this.pattern = pattern;
        this.colour = colour;
        this.colours = colours;
    }

    /** Colours {@code pattern}. */
    public static StarColouring of(HessianPattern pattern) {
        int n = pattern.size();
        int[] colour = new int[n];
        Arrays.fill(colour, -1);
        // count[x][c]: how many neighbours of x have colour c (maps, since few colours meet at x)
        @SuppressWarnings("unchecked")
        Map<Integer, Integer>[] count = new Map[n];
        int[] forbidden = new int[n + 1];
        Arrays.fill(forbidden, -1);
        int colours = 0;
        for (int v = 0; v < n; v++) {
            int[] nv = pattern.neighbours(v);
            Map<Integer, Integer> sameColour = new HashMap<>(); // colour -> how many coloured neighbours of v have it
            for (int w : nv) {
                int cw = colour[w];
                if (cw < 0) {
                    continue;
                }
                forbidden[cw] = v;
                sameColour.merge(cw, 1, Integer::sum);
                for (int x : pattern.neighbours(w)) {
                    int cx = colour[x];
                    // v - w - x - y: some y != w beside x has w's colour (w itself counts once)
                    if (x != v && cx >= 0 && count[x] != null && count[x].getOrDefault(cw, 0) >= 2) {
                        forbidden[cx] = v;
                    }
                }
            }
            for (int w : nv) {
                int cw = colour[w];
                if (cw < 0 || sameColour.get(cw) < 2) {
                    continue;
                }
                // a - v - w - y with a, w of one colour: y's colour is refused (y is never a: a and w,
                // of one colour, are not adjacent)
                for (int y : pattern.neighbours(w)) {
                    if (y != v && colour[y] >= 0) {
                        forbidden[colour[y]] = v;
                    }
                }
            }
            int c = 0;
            while (forbidden[c] == v) {
                c++;
            }
            colour[v] = c;
            colours = Math.max(colours, c + 1);
            for (int x : nv) {
                if (count[x] == null) {
                    count[x] = new HashMap<>(4);
                }
                count[x].merge(c, 1, Integer::sum);
            }
        }
        return new StarColouring(pattern, colour, n == 0 ? 0 : colours);
    }

    /** The number of colours: the Hessian-vector products recovery needs. */
    public int colourCount() {
        return colours;
    }

    /** The colour of input i, from 0. */
    public int colour(int i) {
        return colour[i];
    }

    /** The pattern coloured. */
    public HessianPattern pattern() {
        return pattern;
    }

    /** The seed of colour c: 1 at the inputs of that colour, 0 elsewhere. */
    public double[] seed(int c) {
        double[] s = new double[colour.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = colour[i] == c ? 1 : 0;
        }
        return s;
    }

    /**
     * The Hessian from one product per colour: {@code hessianTimes} maps a direction v to H v.
     * Entries outside the pattern are zero by construction.
     */
    public SparseHessian recover(UnaryOperator<double[]> hessianTimes) {
        int n = colour.length;
        double[][] products = new double[colours][];
        for (int c = 0; c < colours; c++) {
            products[c] = hessianTimes.apply(seed(c));
        }
        int count = pattern.lowerCount();
        int[] rows = new int[count];
        int[] columns = new int[count];
        double[] values = new double[count];
        int m = 0;
        for (int i = 0; i < n; i++) {
            for (int j : pattern.neighbours(i)) {
                if (j < i) {
                    rows[m] = i;
                    columns[m] = j;
                    values[m++] = unique(i, j) ? products[colour[j]][i] : products[colour[i]][j];
                }
            }
            if (pattern.hasDiagonal(i)) {
                rows[m] = i;
                columns[m] = i;
                values[m++] = products[colour[i]][i]; // no neighbour of i shares its colour
            }
        }
        return new SparseHessian(n, rows, columns, values, colours);
    }

    /** Whether j is the only neighbour of i with j's colour. */
    private boolean unique(int i, int j) {
        for (int k : pattern.neighbours(i)) {
            if (k != j && colour[k] == colour[j]) {
                return false;
            }
        }
        return true;
    }
}
