package dev.lagrange.bench.cyclic;

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
 * Single thread, milliseconds per solve of a {@link RandomMdp}'s policy evaluation with the default
 * options: the values V (Newton with GMRES on the cyclic block) and all S reward gradients (GMRES on
 * the transposed system), the Lagrangian residuals included. SciPy's side of the comparison is
 * {@link ScaleComparison}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class MdpSolveBenchmark {
    @Param({"10000", "100000"})
    public int states;

    private Program program;
    private double[] x;
    private BlockCoordinateSolver solver;

    @Setup
    public void setUp() {
        program = new RandomMdp(states, 10, 0.9, 42).program();
        x = program.inputDefaults();
        solver = new BlockCoordinateSolver();
    }

    @Benchmark
    public SolveResult valuesAndRewardGradients() {
        return solver.solve(program, x).orThrow();
    }
}
