package dev.lagrange.solve;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Seeded random acyclic programs for property tests: mixed primitives whose arguments are mapped
 * into their domains (a positive argument through {@code 0.2 + 2 sigmoid(v)}, a divisor through
 * {@code 0.5 + sigmoid(v)}, tan's argument through {@code 1.2 tanh(v)}), and values kept bounded by
 * squashing any argument whose magnitude bound exceeds 5 with tanh. Inputs are drawn from (-2, 2),
 * so every value stays below about 10^3 and central differences remain meaningful.
 */
final class RandomPrograms {
    /** The primitives drawn: every local function except IMPLICIT, which belongs to solve blocks. */
    private static final Primitive[] DRAWN = Stream.of(Primitive.values())
            .filter(f -> f != Primitive.INPUT && f != Primitive.CONSTANT && f != Primitive.IMPLICIT)
            .toArray(Primitive[]::new);
    private static final double[] EXPONENTS = {0, 1, 2, 3, 4, -1, -2, 0.5, 1.5, -0.5, 2.7};
    private static final double LIMIT = 5;

    /** A program and a point at which to evaluate it. */
    record Sample(Program program, double[] x, long seed) {
    }

    private final Random random;
    private final Program.Builder b = Program.builder();
    private final List<Var> pool = new ArrayList<>();
    private final List<Double> bound = new ArrayList<>();

    private RandomPrograms(long seed) {
        this.random = new Random(seed);
    }

    /**
     * A random program with {@code d} inputs and {@code m} outputs (the last node is the objective)
     * and a random point x in (-2, 2)^d.
     */
    static Sample acyclic(long seed, int d, int m) {
        RandomPrograms g = new RandomPrograms(seed);
        return new Sample(g.generate(d, m), g.point(d), seed);
    }

    private Program generate(int d, int m) {
        for (int k = 0; k < d; k++) {
            add(b.input("x" + k), 2);
        }
        for (int k = random.nextInt(3); k > 0; k--) {
            double c = 3 * random.nextDouble() - 1.5;
            add(b.constant(c), Math.abs(c));
        }
        int n = 15 + random.nextInt(40);
        for (int i = 0; i < n; i++) {
            node(DRAWN[random.nextInt(DRAWN.length)], i);
        }
        Var[] outputs = new Var[m];
        outputs[0] = pool.get(pool.size() - 1);
        for (int k = 1; k < m; k++) {
            outputs[k] = pool.get(random.nextInt(pool.size()));
        }
        return b.output(outputs).build();
    }

    private double[] point(int d) {
        double[] x = new double[d];
        for (int k = 0; k < d; k++) {
            x[k] = 4 * random.nextDouble() - 2;
        }
        return x;
    }

    private void node(Primitive f, int i) {
        Var v;
        double bv;
        switch (f) {
            case LOG -> {
                v = b.log(positive(pick()));
                bv = 1.7;
            }
            case SQRT -> {
                v = b.sqrt(positive(pick()));
                bv = 1.5;
            }
            case TAN -> {
                v = b.tan(b.mul(1.2, b.tanh(pool.get(pick()))));
                bv = 2.6;
            }
            case DIV -> {
                int a = pick();
                v = b.div(squash(a), nonzero(pick()));
                bv = 2 * bounded(a);
            }
            case POW -> {
                v = b.pow(positive(pick()), b.mul(2, b.tanh(pool.get(pick()))));
                bv = 25;
            }
            case POWC -> {
                double p = EXPONENTS[random.nextInt(EXPONENTS.length)];
                int a = pick();
                if (p >= 0 && p == Math.rint(p)) {
                    v = b.pow(squash(a), p);
                    bv = Math.pow(bounded(a), p);
                } else if (p == Math.rint(p)) {
                    v = b.pow(nonzero(a), p);
                    bv = Math.pow(2, -p);
                } else {
                    v = b.pow(positive(a), p);
                    bv = Math.max(Math.pow(2.2, p), Math.pow(0.2, p));
                }
            }
            case WEIGHTED_SUM -> {
                int terms = random.nextInt(4);
                double c0 = 2 * random.nextDouble() - 1;
                double[] c = new double[terms];
                Var[] z = new Var[terms];
                bv = Math.abs(c0);
                for (int k = 0; k < terms; k++) {
                    int a = pick();
                    c[k] = 4 * random.nextDouble() - 2;
                    z[k] = squash(a);
                    bv += Math.abs(c[k]) * bounded(a);
                }
                v = b.weightedSum(c0, c, z);
            }
            default -> {
                int a = pick();
                if (f.arity() == 1) {
                    // a primitive declared on positive numbers gets one in (0.2, 2.2)
                    boolean positive = f.domain(0) == dev.lagrange.primitive.Domain.POSITIVE;
                    v = b.apply(f, positive ? positive(a) : squash(a));
                    double ba = positive ? 2.2 : bounded(a);
                    bv = switch (f) {
                        case EXP, EXPM1 -> Math.exp(ba);
                        case ERF, ATAN -> 1.6;
                        case SOFTPLUS -> ba + 1;
                        case SIN, COS, TANH, SIGMOID -> 1;
                        default -> ba;
                    };
                } else {
                    int c = pick();
                    v = b.apply(f, squash(a), squash(c));
                    bv = f == Primitive.MUL ? bounded(a) * bounded(c) : bounded(a) + bounded(c);
                }
            }
        }
        if (random.nextBoolean()) {
            v = b.let("v" + i, v);
        }
        add(v, bv);
    }

    /** Mostly a recent value, a quarter of the time any value. */
    private int pick() {
        int size = pool.size();
        return random.nextInt(4) == 0 ? random.nextInt(size) : size - 1 - random.nextInt(Math.min(size, 5));
    }

    /** The magnitude bound of {@link #squash}{@code (k)}. */
    private double bounded(int k) {
        return bound.get(k) > LIMIT ? 1 : bound.get(k);
    }

    /** The value, or tanh of it when its bound exceeds the limit. */
    private Var squash(int k) {
        return bound.get(k) > LIMIT ? b.tanh(pool.get(k)) : pool.get(k);
    }

    /** A value in (0.2, 2.2). */
    private Var positive(int k) {
        return b.weightedSum(0.2, new double[] {2}, b.sigmoid(pool.get(k)));
    }

    /** A value in (0.5, 1.5). */
    private Var nonzero(int k) {
        return b.weightedSum(0.5, new double[] {1}, b.sigmoid(pool.get(k)));
    }

    private void add(Var v, double magnitude) {
        pool.add(v);
        bound.add(magnitude);
    }
}
