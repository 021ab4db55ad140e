package dev.lagrange.bench.vector;

import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link VectorNetworkBenchmark}'s network (same seed, same objective, gradient with respect to x,
 * every W_l and every b_l) on DJL 0.35.1's PyTorch 2.7.1 CPU engine, one forward pass and one
 * autograd backward pass per operation, single thread (PyTorch's intra-op and inter-op pools set
 * to 1 thread by system properties, checked in {@link #setUp}). Only built with {@code -Pdjl}.
 * {@link #setUp} checks the objective and every gradient entry against the hand-written arrays
 * before timing: to 1e-12 / 1e-10 relative in float64; float32 is reported separately and only
 * checked to 1e-3.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
        "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class VectorNetworkDjlBenchmark {
    @Param({"FLOAT64", "FLOAT32"})
    public String type;

    private DjlTanhNetwork djl;

    @Setup
    public void setUp() {
        TanhNetwork net = new TanhNetwork(VectorNetworkBenchmark.LAYERS, VectorNetworkBenchmark.WIDTH, 2026);
        DataType dataType = DataType.valueOf(type);
        djl = new DjlTanhNetwork(net, dataType);
        if (JniUtils.getNumThreads() != 1 || JniUtils.getNumInteropThreads() != 1) {
            throw new IllegalStateException("PyTorch threads: intra-op " + JniUtils.getNumThreads()
                    + ", inter-op " + JniUtils.getNumInteropThreads() + "; expected 1 and 1");
        }
        double[] expected = new double[net.inputs.length];
        double f = net.arrays(new double[net.layers + 1][net.width], expected, new double[2 * net.width]);
        double[] gradient = new double[expected.length];
        double tolerance = dataType == DataType.FLOAT64 ? 1e-10 : 1e-3;
        for (int repeat = 0; repeat < 2; repeat++) { // the second pass shows the gradients were zeroed
            double fd = djl.forwardGradient(gradient);
            if (Math.abs(fd - f) > tolerance * Math.abs(f)) {
                throw new IllegalStateException("DJL " + type + ": f = " + fd + ", hand-written " + f);
            }
            for (int k = 0; k < expected.length; k++) {
                if (Math.abs(gradient[k] - expected[k]) > tolerance * Math.max(1, Math.abs(expected[k]))) {
                    throw new IllegalStateException("DJL " + type + ": gradient entry " + k + " = " + gradient[k]
                            + ", hand-written " + expected[k]);
                }
            }
        }
    }

    @TearDown
    public void tearDown() {
        djl.close();
    }

    @Benchmark
    public double djlForwardGradient() {
        return djl.forwardGradient(null);
    }
}
