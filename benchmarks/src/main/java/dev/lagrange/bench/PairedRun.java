package dev.lagrange.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.*;

/**
 * Before/after comparisons on a shared, noisy machine: loads each given benchmark jar (one build of
 * the library each) in its own class loader inside one JVM, and times the variants in turn, round
 * after round, on the same workload. A load spike then hits every variant alike, and the ratio of
 * each round's times to the first variant's is steadier than two separate JMH runs. Prints, per
 * variant, the median of the rounds after the first quarter (warm-up) in ns per node and the
 * median of the per-round ratios to the first jar. Not a JMH benchmark: no blackhole; each timed
 * call sweeps or records 10^6 nodes, so the timer's cost is negligible.
 *
 * <p>Usage: {@code PairedRun WORKLOAD ROUNDS WHAT JAR...} where WHAT holds {@code f} (forward),
 * {@code g} (forward+gradient) and/or {@code r} (recording).
 */
public final class PairedRun {
    private PairedRun() {
    }

    private static final class V {
        String name; Object program; Object recipe; Method forward, reverse, record;
        double[] x, z, lambda; int objective, n;
        void fwd() throws Exception { forward.invoke(null, program, x, z); }
        void grad() throws Exception {
            forward.invoke(null, program, x, z);
            Arrays.fill(lambda, 0); lambda[objective] = 1;
            reverse.invoke(null, program, z, lambda, lambda, 0, n);
        }
        void rec() throws Exception { record.invoke(recipe); }
    }
    public static void main(String[] a) throws Exception {
        String workload = a[0]; int rounds = Integer.parseInt(a[1]); String what = a[2];
        List<V> vs = new ArrayList<>();
        for (int k = 3; k < a.length; k++) {
            ClassLoader cl = new URLClassLoader(new URL[] {Path.of(a[k]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> wl = cl.loadClass("dev.lagrange.bench.Workloads");
            Class<?> pc = cl.loadClass("dev.lagrange.program.Program");
            Class<?> sw = cl.loadClass("dev.lagrange.program.Sweeps");
            Object w = wl.getMethod("valueOf", String.class).invoke(null, workload);
            V v = new V(); v.name = a[k];
            v.recipe = wl.getMethod("recipe", int.class).invoke(w, 1_000_000);
            v.record = cl.loadClass("dev.lagrange.bench.Workloads$Recipe").getMethod("record");
            v.program = v.record.invoke(v.recipe);
            v.forward = sw.getMethod("forward", pc, double[].class, double[].class);
            v.reverse = sw.getMethod("reverse", pc, double[].class, double[].class, double[].class, int.class, int.class);
            v.x = (double[]) pc.getMethod("inputDefaults").invoke(v.program);
            int slots = (int) pc.getMethod("slotCount").invoke(v.program);
            v.n = (int) pc.getMethod("size").invoke(v.program);
            v.z = new double[slots]; v.lambda = new double[slots];
            v.objective = (int) pc.getMethod("slot", int.class).invoke(v.program, pc.getMethod("objective").invoke(v.program));
            vs.add(v);
        }
        int m = vs.size();
        double[][] f = new double[m][rounds], g = new double[m][rounds], r = new double[m][rounds];
        int warm = rounds / 4;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < m; k++) {
                V v = vs.get((k + round) % m);
                int idx = (k + round) % m;
                if (what.contains("f")) { long t = System.nanoTime(); v.fwd(); v.fwd(); f[idx][round] = (System.nanoTime() - t) / 2e6; }
                if (what.contains("g")) { long t = System.nanoTime(); v.grad(); v.grad(); g[idx][round] = (System.nanoTime() - t) / 2e6; }
                if (what.contains("r")) { long t = System.nanoTime(); v.rec(); r[idx][round] = (System.nanoTime() - t) / 1e6; }
            }
        }
        for (int k = 0; k < m; k++) {
            System.out.printf("%-28s fwd %6.2f  f+g %6.2f  ratio %5.2f  rec %6.1f ns/node | vs first: fwd %5.3f f+g %5.3f rec %5.3f%n",
                Path.of(vs.get(k).name).getFileName(), med(f[k], warm), med(g[k], warm), med(g[k], warm) / med(f[k], warm), med(r[k], warm),
                medRatio(f[k], f[0], warm), medRatio(g[k], g[0], warm), medRatio(r[k], r[0], warm));
        }
    }
    static double med(double[] x, int from) { double[] y = Arrays.copyOfRange(x, from, x.length); Arrays.sort(y); return y[y.length / 2]; }
    static double medRatio(double[] x, double[] b, int from) {
        double[] y = new double[x.length - from];
        for (int i = from; i < x.length; i++) y[i - from] = x[i] / b[i];
        Arrays.sort(y); return y[y.length / 2];
    }
}
