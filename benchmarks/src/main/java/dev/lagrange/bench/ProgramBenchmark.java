package dev.lagrange.bench;

import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single thread, on programs of {@link Workloads#NODES} nodes, scores in ns per node: the z-step
 * alone ({@link Sweeps#forward}), the z-step followed by the lambda-step from the objective seed
 * ({@link Sweeps#reverse} on the whole program, after clearing the multipliers), and recording the
 * program with {@link Program.Builder}, {@code build()} (validation, strongly connected components,
 * the flat arrays) included: {@code record} with a {@code Var} handle per value, {@code recordIds}
 * with an int id per value ({@link Program.Builder.Ids}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(Workloads.NODES)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class ProgramBenchmark {
    @Param({"DOMKE", "DAG", "CHAIN"})
    public Workloads workload;

    private Workloads.Recipe recipe;
    private Program program;
    private double[] x;
    private double[] z;
    private double[] lambda;
    private int objective;
    private int input;

    @Setup
    public void setUp() {
        recipe = workload.recipe(Workloads.NODES);
        program = recipe.record();
        if (program.size() != Workloads.NODES) {
            throw new IllegalStateException(workload + " has " + program.size() + " nodes");
        }
        x = program.inputDefaults();
        z = new double[program.slotCount()];
        lambda = new double[program.slotCount()];
        objective = program.slot(program.objective());
        input = program.slot(program.input(0));
    }

    @Benchmark
    public double forward() {
        Sweeps.forward(program, x, z);
        return z[objective];
    }

    @Benchmark
    public double forwardGradient() {
        Sweeps.forward(program, x, z);
        Arrays.fill(lambda, 0);
        lambda[objective] = 1;
        Sweeps.reverse(program, z, lambda, lambda, 0, program.size());
        return lambda[input];
    }

    @Benchmark
    public Program record() {
        return recipe.record();
    }

    @Benchmark
    public Program recordIds() {
        return recipe.recordIds();
    }
}
