package dev.lagrange.bench;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;

/**
 * The three benchmark programs, each with exactly {@code n} nodes, recorded with
 * {@link Program.Builder} as a user would write them: with a handle per value, or with an int id per
 * value ({@link Program.Builder.Ids}); both builders are made with the size hint
 * {@code Program.builder(n)}, as a generator that knows its size would.
 *
 * <ul>
 *   <li>{@link #DOMKE}: Domke's {@code f(x)} repeated. Block k maps {@code x_k} to
 *       {@code a = exp(x), b = a^2, c = a + b, d = exp(c), e = sin(c), f = d + e}, adds {@code f}
 *       to a running sum {@code s_k = s_{k-1} + f}, and feeds {@code x_{k+1} = 0.01 f} to the next
 *       block. The scale keeps values finite (x settles near 0.1); the objective is the running
 *       sum, so that every node carries a multiplier of order one (with the last {@code f} alone as
 *       objective the multipliers of early blocks would underflow to zero and the reverse sweep
 *       would skip them). 8 nodes per block.
 *   <li>{@link #DAG}: a seeded random DAG of mixed primitives. Each operand is one of the 8
 *       previous nodes with probability 3/4 and any earlier node with probability 1/4; half the nodes are
 *       unary ({@code sin, cos, tanh, sigmoid, neg, abs, ^2}), half binary ({@code *, max, min} and
 *       halved sums and differences as weighted sums), all mapping {@code [-1, 1]} into itself so
 *       that values stay finite. The objective is the sum of the sinks (nodes nobody reads), so
 *       that every node influences it and carries a multiplier.
 *   <li>{@link #CHAIN}: Euler steps {@code z <- z + h sin(w z)} with {@code h} and {@code w}
 *       inputs (so the gradient also gives the sensitivities to them), written
 *       {@code add(z, mul(h, sin(mul(w, z))))}: 4 nodes per step, {@code h = 1/steps} so the
 *       chain integrates {@code dz/dt = sin(z)} over {@code t in [0, 1]} and its derivative stays
 *       of order one.
 * </ul>
 */
public enum Workloads {
    DOMKE {
        @Override
        public Recipe recipe(int n) {
            int blocks = (n - 2) / 8;
            return new Recipe() {
                @Override
                public Program record() {
                    Program.Builder b = Program.builder(n);
                    Var x = b.input("x", 0);
                    Var s = b.constant(0);
                    for (int k = 0; k < blocks; k++) {
                        Var a = b.exp(x);
                        Var sq = b.pow(a, 2);
                        Var c = b.add(a, sq);
                        Var d = b.exp(c);
                        Var e = b.sin(c);
                        Var f = b.add(d, e);
                        s = b.add(s, f);
                        x = b.mul(0.01, f);
                    }
                    for (int k = 2 + 8 * blocks; k < n; k++) {
                        s = b.add(s, x);
                    }
                    return b.output(s).build();
                }

                @Override
                public Program recordIds() {
                    Program.Builder.Ids b = Program.builder(n).ids();
                    int x = b.input("x", 0);
                    int s = b.constant(0);
                    for (int k = 0; k < blocks; k++) {
                        int a = b.apply(Primitive.EXP, x);
                        int sq = b.pow(a, 2);
                        int c = b.apply(Primitive.ADD, a, sq);
                        int d = b.apply(Primitive.EXP, c);
                        int e = b.apply(Primitive.SIN, c);
                        int f = b.apply(Primitive.ADD, d, e);
                        s = b.apply(Primitive.ADD, s, f);
                        x = b.mul(0.01, f);
                    }
                    for (int k = 2 + 8 * blocks; k < n; k++) {
                        s = b.apply(Primitive.ADD, s, x);
                    }
                    return b.output(s).build();
                }
            };
        }
    },
    DAG {
        @Override
        public Recipe recipe(int n) {
            return new RandomDag(n);
        }
    },
    CHAIN {
        @Override
        public Recipe recipe(int n) {
            int steps = (n - 3) / 4;
            return new Recipe() {
                @Override
                public Program record() {
                    Program.Builder b = Program.builder(n);
                    Var z = b.input("z0", 1.0);
                    Var h = b.input("h", 1.0 / steps);
                    Var w = b.input("w", 1.0);
                    for (int k = 0; k < steps; k++) {
                        z = b.add(z, b.mul(h, b.sin(b.mul(w, z))));
                    }
                    for (int k = 3 + 4 * steps; k < n; k++) {
                        z = b.neg(z);
                    }
                    return b.output(z).build();
                }

                @Override
                public Program recordIds() {
                    Program.Builder.Ids b = Program.builder(n).ids();
                    int z = b.input("z0", 1.0);
                    int h = b.input("h", 1.0 / steps);
                    int w = b.input("w", 1.0);
                    for (int k = 0; k < steps; k++) {
                        int wz = b.apply(Primitive.MUL, w, z);
                        z = b.apply(Primitive.ADD, z, b.apply(Primitive.MUL, h, b.apply(Primitive.SIN, wz)));
                    }
                    for (int k = 3 + 4 * steps; k < n; k++) {
                        z = b.apply(Primitive.NEG, z);
                    }
                    return b.output(z).build();
                }
            };
        }
    };

    /** The number of nodes of the benchmark programs. */
    public static final int NODES = 1_000_000;

    /**
     * A way to record one program: the workload with its random choices, if any, already drawn. Both
     * methods record the same program ({@code Program.equals}), {@code build()} included.
     */
    public interface Recipe {
        /** Records the program with the handle methods of {@link Program.Builder}, keeping a handle per value. */
        Program record();

        /** Records the program with {@link Program.Builder.Ids}, keeping an int id per value. */
        Program recordIds();
    }

    /** This workload with exactly {@code n} nodes (n >= 10), ready to record. */
    public abstract Recipe recipe(int n);

    /** Records this workload with exactly {@code n} nodes. */
    public Program build(int n) {
        return recipe(n).record();
    }
}
