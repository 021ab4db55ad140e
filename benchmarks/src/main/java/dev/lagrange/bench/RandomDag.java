package dev.lagrange.bench;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The random DAG of {@link Workloads#DAG} with its random choices drawn once (seed 20240601), so
 * that timing the recording does not time the random numbers. Each operand is one of the 8 previous
 * nodes with probability 3/4 and any earlier node with probability 1/4; half the nodes are unary,
 * half binary; the objective sums the sinks (nodes nobody reads), so that every node influences it.
 */
final class RandomDag implements Workloads.Recipe {
    // Each primitive maps [-1, 1]^k into [-1, 1], so the values stay bounded; sums and differences
    // are halved (weighted sums) for the same reason.
    private static final Primitive[] UNARY = {
        Primitive.SIN, Primitive.COS, Primitive.TANH, Primitive.SIGMOID, Primitive.NEG, Primitive.ABS,
        Primitive.POWC,
    };
    private static final Primitive[] BINARY = {
        Primitive.MUL, Primitive.MAX, Primitive.MIN, Primitive.ADD, Primitive.SUB,
    };
    private static final double[] HALF_SUM = {0.5, 0.5};
    private static final double[] HALF_DIFFERENCE = {0.5, -0.5};

    /** The number of nodes before the objective. */
    final int m;
    /** The primitive of each node (null for the two inputs). */
    final Primitive[] f;
    /** The first operand of each node. */
    final int[] first;
    /** The second operand of each binary node. */
    final int[] second;
    private final int[] sinks;

    RandomDag(int n) {
        SplittableRandom random = new SplittableRandom(20240601L);
        m = n - 1; // the last node is the objective
        f = new Primitive[m];
        first = new int[m];
        second = new int[m];
        boolean[] used = new boolean[m];
        for (int i = 2; i < m; i++) {
            first[i] = operand(random, i);
            used[first[i]] = true;
            if (random.nextInt(2) == 0) {
                f[i] = UNARY[random.nextInt(UNARY.length)];
            } else {
                f[i] = BINARY[random.nextInt(BINARY.length)];
                second[i] = operand(random, i);
                used[second[i]] = true;
            }
        }
        sinks = IntStream.range(0, m).filter(i -> !used[i]).toArray();
    }

    private static int operand(SplittableRandom random, int i) {
        if (random.nextInt(4) == 0) {
            return random.nextInt(i);
        }
        return i - 1 - random.nextInt(Math.min(i, 8));
    }

    @Override
    public Program record() {
        return record(new Var[m]);
    }

    /**
     * Records the program, keeping the handles as a user would.
     *
     * @param z Modified: the handle of each node but the objective ({@link #m} entries).
     */
    Program record(Var[] z) {
        Program.Builder b = Program.builder(m + 1);
        z[0] = b.input("x0", 0.3);
        z[1] = b.input("x1", -0.7);
        for (int i = 2; i < m; i++) {
            Var a = z[first[i]];
            Primitive g = f[i];
            if (g == Primitive.POWC) {
                z[i] = b.pow(a, 2);
            } else if (g == Primitive.ADD) {
                z[i] = b.weightedSum(0, HALF_SUM, a, z[second[i]]);
            } else if (g == Primitive.SUB) {
                z[i] = b.weightedSum(0, HALF_DIFFERENCE, a, z[second[i]]);
            } else if (g.arity() == 1) {
                z[i] = b.apply(g, a);
            } else {
                z[i] = b.apply(g, a, z[second[i]]);
            }
        }
        Var[] terms = new Var[sinks.length];
        for (int k = 0; k < sinks.length; k++) {
            terms[k] = z[sinks[k]];
        }
        return b.output(b.sum(terms)).build();
    }

    @Override
    public Program recordIds() {
        return recordIds(new int[m]);
    }

    /**
     * Records the program through {@link Program.Builder.Ids}, keeping the ids as a generator would.
     *
     * @param z Modified: the id of each node but the objective ({@link #m} entries).
     */
    Program recordIds(int[] z) {
        Program.Builder.Ids b = Program.builder(m + 1).ids();
        z[0] = b.input("x0", 0.3);
        z[1] = b.input("x1", -0.7);
        for (int i = 2; i < m; i++) {
            int a = z[first[i]];
            Primitive g = f[i];
            if (g == Primitive.POWC) {
                z[i] = b.pow(a, 2);
            } else if (g == Primitive.ADD) {
                z[i] = b.weightedSum(0, HALF_SUM, a, z[second[i]]);
            } else if (g == Primitive.SUB) {
                z[i] = b.weightedSum(0, HALF_DIFFERENCE, a, z[second[i]]);
            } else if (g.arity() == 1) {
                z[i] = b.apply(g, a);
            } else {
                z[i] = b.apply(g, a, z[second[i]]);
            }
        }
        int[] terms = new int[sinks.length];
        for (int k = 0; k < sinks.length; k++) {
            terms[k] = z[sinks[k]];
        }
        double[] ones = new double[terms.length];
        Arrays.fill(ones, 1);
        return b.output(b.weightedSum(0, ones, terms)).build();
    }

    /**
     * What recording the DAG cannot avoid: reading the id of every operand's handle, in the
     * recording's order, from handles allocated in node order. No node is recorded.
     *
     * @param z Not modified: the handles from {@link #record(Var[])}.
     */
    long readOperands(Var[] z) {
        long sum = 0;
        for (int i = 2; i < m; i++) {
            sum += z[first[i]].id();
            if (f[i].arity() == 2) {
                sum += z[second[i]].id();
            }
        }
        return sum;
    }
}
