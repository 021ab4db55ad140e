package dev.lagrange.solve.multiplier;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded programs for the multiplier methods' tests. */
final class TestPrograms {
    private TestPrograms() {
    }

    /** A program and a point. */
    record Sample(Program program, double[] x, long seed) {
    }

    /**
     * A random smooth acyclic program: {@code d} inputs, then {@code m} nodes, each tanh, sin,
     * sigmoid, a product squashed by tanh, or a weighted sum of two earlier nodes; every value lies
     * in [-3, 3]. The last node is the objective.
     */
    static Sample acyclic(long seed, int d, int m) {
        Random random = new Random(seed);
        var b = Program.builder();
        List<Var> pool = new ArrayList<>();
        for (int k = 0; k < d; k++) {
            pool.add(b.input("x" + k));
        }
        for (int i = 0; i < m; i++) {
            // prefer recent nodes so that paths are long
            Var a = pool.get(Math.max(0, pool.size() - 1 - random.nextInt(Math.min(pool.size(), 4))));
            Var c = pool.get(random.nextInt(pool.size()));
            Var v = switch (random.nextInt(5)) {
                case 0 -> b.tanh(a);
                case 1 -> b.sin(a);
                case 2 -> b.sigmoid(a);
                case 3 -> b.tanh(b.mul(a, c));
                default -> b.weightedSum(0.1, new double[] {0.5 + random.nextDouble(), random.nextDouble() - 0.5}, a, c);
            };
            pool.add(b.let("v" + i, v));
        }
        double[] x = new double[d];
        for (int k = 0; k < d; k++) {
            x[k] = 4 * random.nextDouble() - 2;
        }
        return new Sample(b.output(pool.get(pool.size() - 1)).build(), x, seed);
    }

    /** A random row-stochastic S x S matrix with positive entries. */
    static double[][] stochastic(long seed, int s) {
        Random random = new Random(seed);
        double[][] p = new double[s][s];
        for (int i = 0; i < s; i++) {
            double sum = 0;
            for (int j = 0; j < s; j++) {
                p[i][j] = 0.1 + random.nextDouble();
                sum += p[i][j];
            }
            for (int j = 0; j < s; j++) {
                p[i][j] /= sum;
            }
        }
        return p;
    }

    /**
     * Policy evaluation {@code V_s = r_s + gamma sum_t P_st V_t} as one weighted sum per state (so the
     * block's local Jacobian is exactly gamma P), objective {@code J = sum_s V_s / S}; inputs r.
     */
    static Program bellman(double[][] p, double gamma) {
        int s = p.length;
        var b = Program.builder();
        Var[] r = new Var[s];
        for (int i = 0; i < s; i++) {
            r[i] = b.input("r" + i, i % 3);
        }
        Var[] v = new Var[s];
        for (int i = 0; i < s; i++) {
            v[i] = b.declare("V" + i);
        }
        for (int i = 0; i < s; i++) {
            double[] c = new double[s + 1];
            Var[] args = new Var[s + 1];
            c[0] = 1;
            args[0] = r[i];
            for (int t = 0; t < s; t++) {
                c[t + 1] = gamma * p[i][t];
                args[t + 1] = v[t];
            }
            b.define(v[i], b.weightedSum(0, c, args));
        }
        double[] w = new double[s];
        java.util.Arrays.fill(w, 1.0 / s);
        Var j = b.let("J", b.weightedSum(0, w, v));
        return b.output(j).build();
    }

    /** The longest path, in edges, from any node to the objective (node users followed forward). */
    static int longestPathToObjective(Program p) {
        int[] dist = new int[p.size()];
        java.util.Arrays.fill(dist, -1);
        dist[p.objective()] = 0;
        int longest = 0;
        for (int i = p.size() - 1; i >= 0; i--) {
            if (dist[i] < 0) {
                continue;
            }
            longest = Math.max(longest, dist[i]);
            for (int j : p.arguments(i)) {
                dist[j] = Math.max(dist[j], dist[i] + 1);
            }
        }
        return longest;
    }

    /**
     * A strongly convex objective of the inputs, {@code f(x) = sum_k softplus(a_k . x + b_k) + ||x||^2 / 2}
     * with seeded a, b (K = 4 terms, d inputs), and a point x.
     */
    static Sample convex(long seed, int d) {
        Random random = new Random(seed);
        var b = Program.builder();
        Var[] x = new Var[d];
        for (int k = 0; k < d; k++) {
            x[k] = b.input("x" + k);
        }
        int terms = 4;
        Var[] parts = new Var[terms + d];
        for (int t = 0; t < terms; t++) {
            double[] a = new double[d];
            for (int k = 0; k < d; k++) {
                a[k] = 2 * random.nextDouble() - 1;
            }
            parts[t] = b.let("s" + t, b.softplus(b.weightedSum(random.nextDouble() - 0.5, a, x)));
        }
        for (int k = 0; k < d; k++) {
            parts[terms + k] = b.let("q" + k, b.pow(x[k], 2));
        }
        double[] c = new double[terms + d];
        java.util.Arrays.fill(c, 1.0);
        java.util.Arrays.fill(c, terms, terms + d, 0.5);
        Var f = b.let("f", b.weightedSum(0, c, parts));
        double[] x0 = new double[d];
        for (int k = 0; k < d; k++) {
            x0[k] = 4 * random.nextDouble() - 2;
        }
        return new Sample(b.output(f).build(), x0, seed);
    }
}
