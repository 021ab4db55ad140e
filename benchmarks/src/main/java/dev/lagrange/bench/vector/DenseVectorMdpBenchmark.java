package dev.lagrange.bench.vector;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single thread, milliseconds per solve of policy evaluation in vector form with a dense transition
 * matrix input: {@code V = r + 0.9 P V} (one cyclic vector block of S unknowns whose Jacobian
 * {@code I - 0.9 P} is dense), {@code J = sum(V)}; one solve gives V and the gradient with respect to
 * r and all S^2 entries of P. P's rows are uniform on (0, 1), normalised (seed 1).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class DenseVectorMdpBenchmark {
    @Param({"1000", "2000"})
    public int states;

    private Program program;
    private double[] x;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        double[] p = new double[states * states];
        double[] r = new double[states];
        for (int s = 0; s < states; s++) {
            double sum = 0;
            for (int t = 0; t < states; t++) {
                p[s * states + t] = random.nextDouble();
                sum += p[s * states + t];
            }
            for (int t = 0; t < states; t++) {
                p[s * states + t] /= sum;
            }
            r[s] = random.nextGaussian();
        }
        var b = Program.builder();
        Var rv = b.inputVector("r", r);
        Var pm = b.inputMatrix("P", states, states, p);
        Var v = b.declare("V");
        b.defineVector(v, b.vectorAdd(rv, b.scale(0.9, b.matvec(pm, v))));
        program = b.output(b.let("J", b.vectorSum(v))).build();
        x = program.inputDefaults();
    }

    @Benchmark
    public SolveResult valuesAndGradient() {
        return new BlockCoordinateSolver().solve(program, x).orThrow();
    }
}
