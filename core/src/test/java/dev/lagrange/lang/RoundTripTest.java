package dev.lagrange.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code parse(print(p)) == p}: on every example, on every language feature, on seeded random programs. */
class RoundTripTest {
    static Stream<String> examples() throws IOException {
        try (Stream<Path> files = Files.list(Lag.examples())) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".lag")).sorted().toList()
                    .stream();
        }
    }

    private static void assertRoundTrip(Program p, String context) {
        String printed = LagPrinter.print(p);
        Program q;
        try {
            q = LagParser.parse(printed, "printed.lag");
        } catch (LagException e) {
            throw new AssertionError(context + ": the printed program does not parse: " + e.diagnostics()
                    + "\n" + printed, e);
        }
        assertEquals(p, q, context + "\n" + printed);
        assertEquals(printed, LagPrinter.print(q), context + ": printing is deterministic");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExample(String file) {
        assertRoundTrip(Lag.parse(Lag.read(file)), file);
    }

    @Test
    void everyLanguageFeature() {
        assertRoundTrip(Lag.parse("init E = 2\ninput M = 1, e, w[1..2][0..1] = -0.0\n"
                + "a = exp(x)\ninput x = 0.25\n"
                + "E = M + e * sin(E)\n"
                + "for t in 1..3 {\n  h[t] = h[t-1] * 2 + t / 10 - max(x, 1) / 3\n}\nh[0] = x\n"
                + "s = sum(i in 1..3: i * h[i]) + sum(i in 0..1: w[1][i] * w[2][i])\n"
                + "solve u, v { u^2 + v^2 = 1 \n v = 2 - u^-1.5 }\n"
                + "`odd name` = wsum(1, 2, u, 3, v) + q + NaN * pow(x, -Infinity) + pow(x, e)\n"
                + "q = implicit(q, v - u)\n"
                + "z = -(-a) ^ 3 / tan(tanh(sigmoid(sqrt(abs(relu(softplus(log(cos(e)))))))))\n"
                + "%7 = 3.5\n%8 = min(%7, z)\ny = %8\ninit `odd name` = 0.5, u = 1e-300\n"
                + "output s, `odd name`, y, E, a\n"), "features");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40})
    void randomProgramsBuiltInJava(long seed) {
        assertRoundTrip(randomProgram(seed), "seed " + seed);
    }

    @Test
    void aLongChainPrintsWithBoundedNesting() {
        var b = Program.builder();
        Var v = b.input("x", 0.5);
        for (int k = 0; k < 1000; k++) {
            v = b.sin(v);
        }
        assertRoundTrip(b.output(v).build(), "chain of 1000 temporaries");
    }

    private static final String[] RESERVED = Names.RESERVED.toArray(new String[0]);

    /** A name in one of many spellings: plain, indexed, quoted, reserved, unicode. */
    private static String name(Random r, int k) {
        return switch (r.nextInt(9)) {
            case 0 -> "v" + k;
            case 1 -> "h[" + (k - 5) + "]";
            case 2 -> "w[" + k + "][" + k % 3 + "]";
            case 3 -> "odd name " + k;
            case 4 -> "%" + k;
            case 5 -> "q`\\\n\t\u0001" + k;
            case 6 -> k < RESERVED.length ? RESERVED[k] : "r" + k;
            case 7 -> "h[0" + k + "]";
            default -> "\u03b1" + k;
        };
    }

    private static double constant(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> Double.NaN;
            case 1 -> -0.0;
            case 2 -> Double.NEGATIVE_INFINITY;
            case 3 -> 1e-300 * r.nextDouble();
            case 4 -> Math.rint(r.nextGaussian() * 4);
            default -> r.nextGaussian() * 100;
        };
    }

    /**
     * A random program through the Java builder: inputs (unnamed ones, and ones declared before their
     * first use so that input order differs from node order), constants, every primitive, names and
     * temporaries, placeholders defined last (cycles), init values and several outputs.
     */
    static Program randomProgram(long seed) {
        Random r = new Random(seed);
        var b = Program.builder();
        int[] counter = {0};
        List<Var> pool = new ArrayList<>();
        List<String> placeholders = new ArrayList<>();
        for (int k = r.nextInt(4); k > 0; k--) {
            String n = "c" + counter[0]++;
            placeholders.add(n);
            pool.add(b.declare(n));
        }
        Var late = null;
        if (r.nextBoolean()) {
            late = b.declare("late");
            pool.add(late);
        }
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
            String n = r.nextInt(4) == 0 ? null : name(r, counter[0]++);
            pool.add(b.input(n, r.nextInt(3) == 0 ? Double.NaN : constant(r)));
        }
        Primitive[] fs = Primitive.values();
        for (int k = 5 + r.nextInt(30); k > 0; k--) {
            Var v;
            int choice = r.nextInt(fs.length + 2);
            if (choice >= fs.length) {
                v = b.constant(constant(r));
            } else {
                Primitive f = fs[choice];
                if (f == Primitive.INPUT || f == Primitive.CONSTANT || f == Primitive.IMPLICIT) {
                    continue; // an implicit constraint is its own unknown's: drawn among the placeholders
                }
                v = apply(b, f, pool, r);
            }
            if (r.nextInt(3) == 0) {
                v = b.let(name(r, counter[0]++), v);
            }
            pool.add(v);
        }
        if (late != null) {
            b.input(late, 0.25);
        }
        for (String n : placeholders) {
            Primitive f = FIXED_ARITY[r.nextInt(FIXED_ARITY.length)]; // not INPUT, CONSTANT or WEIGHTED_SUM
            Var[] args = new Var[f.arity()];
            for (int k = 0; k < args.length; k++) {
                args[k] = pool.get(r.nextInt(pool.size()));
            }
            if (f == Primitive.IMPLICIT) {
                args[0] = pool.get(placeholders.indexOf(n)); // z_n = z_n - g: the equation g = 0
            }
            b.define(n, f, f.hasParameter() ? new double[] {constant(r)} : new double[0], args);
        }
        for (int k = r.nextInt(3); k > 0; k--) {
            b.init(pool.get(r.nextInt(pool.size())), constant(r));
        }
        for (int k = 1 + r.nextInt(3); k > 0; k--) {
            b.output(pool.get(r.nextInt(pool.size())));
        }
        return b.build();
    }

    /** The primitives of one or two arguments, whatever their order in the enum. */
    private static final Primitive[] FIXED_ARITY = java.util.Arrays.stream(Primitive.values())
            .filter(f -> f.arity() == 1 || f.arity() == 2).toArray(Primitive[]::new);

    private static Var apply(Program.Builder b, Primitive f, List<Var> pool, Random r) {
        if (f == Primitive.WEIGHTED_SUM) {
            int n = r.nextInt(4);
            double[] c = new double[n];
            Var[] z = new Var[n];
            for (int k = 0; k < n; k++) {
                c[k] = r.nextInt(3) == 0 ? 1 : constant(r);
                z[k] = pool.get(r.nextInt(pool.size()));
            }
            return b.weightedSum(r.nextInt(3) == 0 ? 0 : constant(r), c, z);
        }
        Var[] args = new Var[f.arity()];
        for (int k = 0; k < args.length; k++) {
            // recent nodes more often, so that temporaries are used once right after they are made
            int i = r.nextBoolean() ? pool.size() - 1 : r.nextInt(pool.size());
            args[k] = pool.get(i);
        }
        return b.apply(f, f.hasParameter() ? new double[] {constant(r)} : new double[0], args);
    }
}
