package dev.lagrange.bench.cyclic;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.SparseMatrix;
import dev.lagrange.program.Var;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * A random sparse Markov chain under a fixed policy, as a cyclic constraint program for policy
 * evaluation:
 * <pre>
 *   V_s = r_s + sum_k (gamma P_{s t_k}) V_{t_k}     (one WEIGHTED_SUM node per state: one cyclic block of S unknowns)
 *   J   = p0 . V                                     (p0 uniform)
 * </pre>
 * Each state has {@code successors} distinct successors t_k drawn uniformly, with weights uniform on
 * (0, 1) normalised to sum 1. The rewards are the program's inputs, so one solve gives V and
 * {@code dJ/dr = lambda}, the discounted occupancy measure, from {@code (I - gamma P)^T lambda = p0}.
 * Building costs O(S successors).
 */
public final class RandomMdp {
    private final int states;
    private final double gamma;
    /** Row s of P: successors {@code next[s * k ... s * k + k - 1]} with probabilities {@code p[...]}. */
    private final int[] next;
    private final double[] p;
    private final int k;
    private final double[] rewards;
    private final double[] initial;

    public RandomMdp(int states, int successors, double gamma, long seed) {
        if (states < 1 || successors < 1 || successors > states) {
            throw new IllegalArgumentException("need 1 <= successors <= states: " + successors + ", " + states);
        }
        if (!(gamma >= 0 && gamma < 1)) {
            throw new IllegalArgumentException("gamma must be in [0, 1): " + gamma);
        }
        this.states = states;
        this.gamma = gamma;
        this.k = successors;
        Random random = new Random(seed);
        next = new int[states * successors];
        p = new double[states * successors];
        rewards = new double[states];
        for (int s = 0; s < states; s++) {
            double total = 0;
            for (int e = 0; e < successors; e++) {
                int t;
                do {
                    t = random.nextInt(states);
                } while (contains(next, s * successors, s * successors + e, t));
                next[s * successors + e] = t;
                p[s * successors + e] = 1e-3 + random.nextDouble();
                total += p[s * successors + e];
            }
            for (int e = 0; e < successors; e++) {
                p[s * successors + e] /= total;
            }
            rewards[s] = random.nextDouble();
        }
        initial = new double[states];
        Arrays.fill(initial, 1.0 / states);
    }

    private static boolean contains(int[] a, int from, int to, int v) {
        for (int i = from; i < to; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    public int states() {
        return states;
    }

    /** The rewards r drawn uniformly on (0, 1): a copy. */
    public double[] rewards() {
        return rewards.clone();
    }

    /** p0, uniform: a copy. */
    public double[] initial() {
        return initial.clone();
    }

    /** The program: inputs r0..r{S-1}, cyclic block V0..V{S-1}, objective J. */
    public Program program() {
        var b = Program.builder();
        Var[] r = new Var[states];
        for (int s = 0; s < states; s++) {
            r[s] = b.input("r" + s, rewards[s]);
        }
        Var[] v = new Var[states];
        for (int s = 0; s < states; s++) {
            v[s] = b.declare("V" + s);
        }
        for (int s = 0; s < states; s++) {
            double[] params = new double[k + 2];
            Var[] args = new Var[k + 1];
            params[1] = 1;
            args[0] = r[s];
            for (int e = 0; e < k; e++) {
                params[e + 2] = gamma * p[s * k + e];
                args[e + 1] = v[next[s * k + e]];
            }
            b.define("V" + s, Primitive.WEIGHTED_SUM, params, args);
        }
        return b.output(b.let("J", b.weightedSum(0, initial.clone(), v))).build();
    }

    /**
     * The same MDP in vector form: inputs r (S), P's nonzeros (S successors, in CSR order: each row's
     * successors sorted) and p0 (S); {@code V = r + gamma spmv(P, V)} (one cyclic block of four S-wide
     * vector nodes); {@code J = p0 . V}. Building costs O(S successors log successors).
     */
    public Program vectorProgram() {
        int[] rowStart = new int[states + 1];
        int[] col = new int[states * k];
        double[] values = new double[states * k];
        Integer[] order = new Integer[k];
        for (int s = 0; s < states; s++) {
            int base = s * k;
            rowStart[s + 1] = base + k;
            for (int e = 0; e < k; e++) {
                order[e] = e;
            }
            Arrays.sort(order, (u, w) -> Integer.compare(next[base + u], next[base + w]));
            for (int e = 0; e < k; e++) {
                col[base + e] = next[base + order[e]];
                values[base + e] = p[base + order[e]];
            }
        }
        var b = Program.builder();
        Var r = b.inputVector("r", rewards.clone());
        SparseMatrix transitions = b.inputSparseMatrix("P", states, states, rowStart, col, values);
        Var p0 = b.inputVector("p0", initial.clone());
        Var v = b.declare("V");
        b.defineVector(v, b.vectorAdd(r, b.scale(gamma, b.sparseMatvec(transitions, v))));
        return b.output(b.let("J", b.dot(p0, v))).build();
    }

    /**
     * {@code y = A v} for {@code A = I - gamma P} ({@code transposed = false}) or {@code A^T}.
     *
     * @param v Not modified.
     * @param y Modified.
     */
    public void multiply(double[] v, double[] y, boolean transposed) {
        if (transposed) {
            System.arraycopy(v, 0, y, 0, states);
            for (int s = 0; s < states; s++) {
                for (int e = s * k; e < s * k + k; e++) {
                    y[next[e]] -= gamma * p[e] * v[s];
                }
            }
            return;
        }
        for (int s = 0; s < states; s++) {
            double sum = v[s];
            for (int e = s * k; e < s * k + k; e++) {
                sum -= gamma * p[e] * v[next[e]];
            }
            y[s] = sum;
        }
    }

    /**
     * An independent reference: the fixed point of {@code x <- b + gamma P x} (value iteration), or
     * of {@code x <- b + gamma P^T x}, to {@code ||x_{k+1} - x_k||_inf <= tolerance}; it contracts by
     * gamma per sweep (in the max norm for P, in the 1-norm for P^T), O(S successors) per sweep.
     *
     * @param b Not modified.
     */
    public double[] fixedPoint(double[] b, boolean transposed, double tolerance) {
        double[] x = b.clone();
        double[] y = new double[states];
        for (int sweep = 0; sweep < 100_000; sweep++) {
            multiply(x, y, transposed);
            double change = 0;
            for (int s = 0; s < states; s++) {
                // x_new = b + gamma P x = b + x - A x
                double updated = b[s] + x[s] - y[s];
                change = Math.max(change, Math.abs(updated - x[s]));
                x[s] = updated;
            }
            if (change <= tolerance) {
                return x;
            }
        }
        throw new IllegalStateException("value iteration did not reach " + tolerance);
    }

    /**
     * Writes {@code A = I - gamma P} as a Matrix Market coordinate file, and r and p0 as text
     * vectors (one number a line) beside it: {@code <stem>.mtx}, {@code <stem>-r.txt},
     * {@code <stem>-p0.txt}.
     */
    public void write(Path directory, String stem) throws IOException {
        Files.createDirectories(directory);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(directory.resolve(stem + ".mtx")))) {
            out.println("%%MatrixMarket matrix coordinate real general");
            out.println(states + " " + states + " " + (states + states * k));
            for (int s = 0; s < states; s++) {
                out.println((s + 1) + " " + (s + 1) + " 1");
                for (int e = s * k; e < s * k + k; e++) {
                    // duplicates (a self-loop meets the diagonal) are summed by the reader
                    out.printf(Locale.ROOT, "%d %d %.17g%n", s + 1, next[e] + 1, -gamma * p[e]);
                }
            }
        }
        writeVector(directory.resolve(stem + "-r.txt"), rewards);
        writeVector(directory.resolve(stem + "-p0.txt"), initial);
    }

    static void writeVector(Path file, double[] v) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            for (double e : v) {
                out.printf(Locale.ROOT, "%.17g%n", e);
            }
        }
    }
}
