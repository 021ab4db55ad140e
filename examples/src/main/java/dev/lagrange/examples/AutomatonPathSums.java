package dev.lagrange.examples;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Path sums in a weighted automaton with cycles: the total weight of all paths, start weights alpha,
 * edge weights W (any path length, cycles included), final weights omega, is
 * <pre>
 *   f = alpha + W^T f          (forward weights: one cyclic block)
 *   Z = f . omega = alpha^T (I - W)^{-1} omega,
 * </pre>
 * finite when the spectral radius of W is below 1. The multipliers of the forward constraints are the
 * backward weights {@code b = omega + W b}, so one solve gives every edge's gradient
 * {@code dZ/dW_ij = f_i b_j} ({@code W_ij f_i b_j / Z} is the expected number of traversals of edge
 * ij when paths are drawn in proportion to their weight), as well as {@code dZ/dalpha = b} and {@code dZ/domega = f}. Cost: one dense
 * LU over the block (states plus one product per edge).
 *
 * <p>Reference: M. Mohri, "Semiring frameworks and algorithms for shortest-distance problems",
 * J. Autom. Lang. Comb. 2002; J. Eisner, "Inside-outside and forward-backward algorithms are just
 * backprop", 2016.
 */
public final class AutomatonPathSums {
    private final int n;
    private final List<int[]> edges = new ArrayList<>();
    private final Program program;

    /**
     * @param weights Not modified: W, n x n; its nonzero entries become edges (inputs {@code W{i}_{j}})
     * @param alpha Not modified: start weights (inputs {@code alpha{i}})
     * @param omega Not modified: final weights (inputs {@code omega{i}})
     */
    public AutomatonPathSums(double[][] weights, double[] alpha, double[] omega) {
        n = weights.length;
        if (alpha.length != n || omega.length != n) {
            throw new IllegalArgumentException(n + " states but " + alpha.length + " start and " + omega.length
                    + " final weights");
        }
        var b = Program.builder();
        Var[] a = new Var[n];
        Var[] o = new Var[n];
        for (int i = 0; i < n; i++) {
            a[i] = b.input("alpha" + i, alpha[i]);
        }
        for (int i = 0; i < n; i++) {
            o[i] = b.input("omega" + i, omega[i]);
        }
        Var[] f = new Var[n];
        for (int j = 0; j < n; j++) {
            f[j] = b.declare("f" + j);
        }
        List<List<Var>> incoming = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            incoming.add(new ArrayList<>(List.of(a[j])));
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (weights[i][j] != 0) {
                    Var w = b.input("W" + i + "_" + j, weights[i][j]);
                    edges.add(new int[] {i, j});
                    incoming.get(j).add(b.mul(w, f[i]));
                }
            }
        }
        Var[] terms = new Var[n];
        for (int j = 0; j < n; j++) {
            b.define(f[j], b.sum(incoming.get(j).toArray(new Var[0])));
            terms[j] = b.mul(f[j], o[j]);
        }
        this.program = b.output(b.let("Z", b.sum(terms))).build();
    }

    /** The program: inputs alpha0.., omega0.., then W{i}_{j} for each edge. */
    public Program program() {
        return program;
    }

    /** Z, the forward and backward weights, and dZ/dW (zero off the edges), with the solve. */
    public record PathSums(double total, double[] forward, double[] backward, double[][] dZdW, SolveResult solve) {
    }

    /** Solves at the weights given to the constructor. */
    public PathSums solve() {
        SolveResult r = new BlockCoordinateSolver().solve(program, program.inputDefaults()).orThrow();
        double[] forward = new double[n];
        double[] backward = new double[n];
        for (int i = 0; i < n; i++) {
            forward[i] = r.value("f" + i);
            backward[i] = r.gradient("alpha" + i);
        }
        double[][] dZdW = new double[n][n];
        for (int[] e : edges) {
            dZdW[e[0]][e[1]] = r.gradient("W" + e[0] + "_" + e[1]);
        }
        return new PathSums(r.objectiveValue(), forward, backward, dZdW, r);
    }

    public static void main(String[] args) {
        double[][] w = {{0.2, 0.5, 0}, {0, 0.3, 0.4}, {0.3, 0, 0.1}};
        double[] alpha = {1, 0, 0};
        double[] omega = {0, 0, 1};
        PathSums s = new AutomatonPathSums(w, alpha, omega).solve();
        System.out.println("Three states, W = [[0.2, 0.5, 0], [0, 0.3, 0.4], [0.3, 0, 0.1]], alpha = e0, omega = e2");
        System.out.printf(Locale.ROOT, "  Z = alpha^T (I - W)^{-1} omega = %.12f%n", s.total());
        System.out.printf(Locale.ROOT, "  forward f  = (%.6f, %.6f, %.6f)%n", s.forward()[0], s.forward()[1], s.forward()[2]);
        System.out.printf(Locale.ROOT, "  backward b = (%.6f, %.6f, %.6f)   (the multipliers)%n",
                s.backward()[0], s.backward()[1], s.backward()[2]);
        System.out.printf(Locale.ROOT, "  dZ/dW_01 = %.6f = f_0 b_1 = %.6f%n", s.dZdW()[0][1], s.forward()[0] * s.backward()[1]);
    }
}
