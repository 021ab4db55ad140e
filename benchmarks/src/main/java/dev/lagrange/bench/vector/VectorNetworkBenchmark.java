package dev.lagrange.bench.vector;

import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One forward pass and one gradient (reverse sweep from the objective seed, multipliers cleared
 * first) of the 50-layer, width-100 {@link TanhNetwork}, single thread, microseconds per
 * forward+gradient: as scalar nodes, as vector nodes, and hand-written on plain arrays and with
 * EJML. {@link #setUp} checks that all four give the same objective and gradient before timing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class VectorNetworkBenchmark {
    static final int LAYERS = 50;
    static final int WIDTH = 100;

    private TanhNetwork net;
    private Program scalar;
    private Program vector;
    private double[] zs;
    private double[] ls;
    private double[] zv;
    private double[] lv;
    private double[][] h;
    private double[] gradient;
    private double[] g;
    private TanhNetwork.Ejml ejml;

    @Setup
    public void setUp() {
        net = new TanhNetwork(LAYERS, WIDTH, 2026);
        scalar = net.scalarProgram();
        vector = net.vectorProgram();
        zs = new double[scalar.slotCount()];
        ls = new double[scalar.slotCount()];
        zv = new double[vector.slotCount()];
        lv = new double[vector.slotCount()];
        h = new double[LAYERS + 1][WIDTH];
        gradient = new double[net.inputs.length];
        g = new double[2 * WIDTH];
        ejml = net.ejmlState();
        double f = arrays();
        double[] expected = gradient.clone();
        check("vector nodes", f, vectorNodes(), expected, vector, lv);
        check("scalar nodes", f, scalarNodes(), expected, scalar, ls);
        double fe = ejmlForwardGradient();
        if (Math.abs(fe - f) > 1e-12 * Math.abs(f) || Math.abs(ejml.dx.data[0] - expected[0]) > 1e-12) {
            throw new IllegalStateException("EJML disagrees: f " + fe + " vs " + f);
        }
    }

    private static void check(String what, double f, double fp, double[] expected, Program p, double[] lambda) {
        if (Math.abs(fp - f) > 1e-12 * Math.abs(f)) {
            throw new IllegalStateException(what + ": f = " + fp + ", hand-written " + f);
        }
        for (int k = 0; k < expected.length; k++) {
            double e = Math.abs(lambda[p.inputSlot(k)] - expected[k]);
            if (e > 1e-10 * Math.max(1, Math.abs(expected[k]))) {
                throw new IllegalStateException(what + ": gradient entry " + k + " = " + lambda[p.inputSlot(k)]
                        + ", hand-written " + expected[k]);
            }
        }
    }

    private static double forwardGradient(Program p, double[] x, double[] z, double[] lambda) {
        Sweeps.forward(p, x, z);
        Arrays.fill(lambda, 0);
        int objective = p.slot(p.objective());
        lambda[objective] = 1;
        Sweeps.reverse(p, z, lambda, lambda, 0, p.size());
        return z[objective];
    }

    @Benchmark
    public double scalarNodes() {
        return forwardGradient(scalar, net.inputs, zs, ls);
    }

    @Benchmark
    public double vectorNodes() {
        return forwardGradient(vector, net.inputs, zv, lv);
    }

    @Benchmark
    public double arrays() {
        return net.arrays(h, gradient, g);
    }

    @Benchmark
    public double ejmlForwardGradient() {
        return ejml.run();
    }
}
