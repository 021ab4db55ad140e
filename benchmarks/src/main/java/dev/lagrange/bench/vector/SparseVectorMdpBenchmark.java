package dev.lagrange.bench.vector;

import dev.lagrange.bench.cyclic.MdpSolveBenchmark;
import dev.lagrange.bench.cyclic.RandomMdp;
import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
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
 * Single thread, milliseconds per solve of a {@link RandomMdp}'s policy evaluation (10 successors a
 * state, gamma 0.9, seed 42, as {@link MdpSolveBenchmark}) in two forms, default options, values and
 * gradient:
 * <ul>
 *   <li>{@code vector}: {@link RandomMdp#vectorProgram()}, {@code V = r + 0.9 spmv(P, V)}, four vector
 *       nodes; the gradient covers r, p0 and all S 10 entries of P;</li>
 *   <li>{@code scalar}: {@link RandomMdp#program()}, one weighted-sum node per state (what
 *       {@link MdpSolveBenchmark} times); the gradient covers r.</li>
 * </ul>
 * {@code setUp} checks V against value iteration ({@link RandomMdp#fixedPoint}) to 1e-9 before timing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class SparseVectorMdpBenchmark {
    @Param({"10000", "100000"})
    public int states;

    @Param({"vector", "scalar"})
    public String form;

    private Program program;
    private double[] x;
    private BlockCoordinateSolver solver;

    @Setup
    public void setUp() {
        RandomMdp mdp = new RandomMdp(states, 10, 0.9, 42);
        program = form.equals("vector") ? mdp.vectorProgram() : mdp.program();
        x = program.inputDefaults();
        solver = new BlockCoordinateSolver();
        SolveResult result = solver.solve(program, x).orThrow();
        double[] reference = mdp.fixedPoint(mdp.rewards(), false, 1e-13);
        boolean vector = form.equals("vector");
        for (int s = 0; s < states; s++) {
            double v = result.z()[vector ? program.slot(program.nodeNamed("V")) + s : program.slot(program.nodeNamed("V" + s))];
            if (Math.abs(v - reference[s]) > 1e-9 * Math.max(1, Math.abs(reference[s]))) {
                throw new IllegalStateException(form + " form: V" + s + " = " + v + ", value iteration " + reference[s]);
            }
        }
    }

    @Benchmark
    public SolveResult valuesAndGradient() {
        return solver.solve(program, x).orThrow();
    }
}
