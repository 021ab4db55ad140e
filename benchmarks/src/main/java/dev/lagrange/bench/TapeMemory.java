package dev.lagrange.bench;

import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tape memory per node, and a sanity report on the workloads' values and multipliers.
 *
 * <p>Counted: every array reachable from the {@link Program} through its fields (the flat node
 * arrays, CSR arguments and parameters, names, inputs, outputs, the block structure; nested arrays
 * included, each array once), at {@code 16 + length * elementSize} bytes with compressed
 * references (4 bytes), plus the value and multiplier vectors {@code z} and {@code lambda}
 * ({@code 8 * slotCount} bytes each). Not counted: the name map (one entry per named variable, a
 * handful here) and the program object's own header. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.lagrange.bench.TapeMemory}.
 */
public final class TapeMemory {
    private TapeMemory() {
    }

    public static void main(String[] args) throws IllegalAccessException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : Workloads.NODES;
        for (Workloads w : Workloads.values()) {
            Program p = w.build(n);
            Map<Object, Boolean> seen = new IdentityHashMap<>();
            long programBytes = arrayBytes(p, seen);
            long vectors = 2L * 8 * p.slotCount();
            double[] x = p.inputDefaults();
            double[] z = new double[p.slotCount()];
            double[] lambda = new double[p.slotCount()];
            Sweeps.forward(p, x, z);
            lambda[p.slot(p.objective())] = 1;
            Sweeps.reverse(p, z, lambda, lambda, 0, p.size());
            System.out.printf(Locale.ROOT, "%-6s nodes %d  program %.2f B/node + z, lambda %.2f B/node = %.2f B/node%n",
                    w, p.size(), (double) programBytes / p.size(), (double) vectors / p.size(),
                    (double) (programBytes + vectors) / p.size());
            System.out.printf(Locale.ROOT, "       objective %.6g  max|z| %.3g  non-finite z %d  "
                    + "lambda: zero %.2f%%  subnormal %d  non-finite %d  max|lambda| %.3g%n",
                    z[p.slot(p.objective())], maxAbs(z), count(z, v -> !Double.isFinite(v)),
                    100.0 * count(lambda, v -> v == 0) / lambda.length,
                    count(lambda, v -> v != 0 && Math.abs(v) < Double.MIN_NORMAL),
                    count(lambda, v -> !Double.isFinite(v)), maxAbs(lambda));
        }
    }

    /** Bytes of the arrays reachable from {@code o}'s fields, each counted once. */
    static long arrayBytes(Object o, Map<Object, Boolean> seen) throws IllegalAccessException {
        long bytes = 0;
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                f.setAccessible(true);
                Object v = f.get(o);
                if (v == null || seen.put(v, Boolean.TRUE) != null) {
                    continue;
                }
                if (v.getClass().isArray()) {
                    bytes += arrayBytes(v, seen, 0);
                } else if (v.getClass().getName().startsWith("dev.lagrange.")) {
                    bytes += arrayBytes(v, seen);
                }
            }
        }
        return bytes;
    }

    private static long arrayBytes(Object array, Map<Object, Boolean> seen, int unused) {
        Class<?> t = array.getClass().getComponentType();
        int length = Array.getLength(array);
        int element = t == byte.class || t == boolean.class ? 1 : t == short.class || t == char.class ? 2
                : t == long.class || t == double.class ? 8 : 4;
        long bytes = 16 + (long) length * element;
        if (t.isArray()) {
            for (int k = 0; k < length; k++) {
                Object inner = Array.get(array, k);
                if (inner != null && seen.put(inner, Boolean.TRUE) == null) {
                    bytes += arrayBytes(inner, seen, 0);
                }
            }
        }
        return bytes;
    }

    private static double maxAbs(double[] v) {
        return Arrays.stream(v).map(Math::abs).max().orElse(0);
    }

    private interface DoubleTest {
        boolean test(double v);
    }

    private static long count(double[] v, DoubleTest t) {
        long c = 0;
        for (double e : v) {
            if (t.test(e)) {
                c++;
            }
        }
        return c;
    }
}
