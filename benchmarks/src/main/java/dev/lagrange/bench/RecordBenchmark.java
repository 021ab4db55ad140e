package dev.lagrange.bench;

import dev.lagrange.program.Program;
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
 * Recording a program of {@link Workloads#NODES} nodes with {@link Program.Builder}, {@code build()}
 * (validation, strongly connected components, the flat arrays) included. Scores are ns per node.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(Workloads.NODES)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class RecordBenchmark {
    @Param({"DOMKE", "DAG", "CHAIN"})
    public Workloads workload;

    private Workloads.Recipe recipe;

    @Setup
    public void setUp() {
        recipe = workload.recipe(Workloads.NODES);
    }

    @Benchmark
    public Program record() {
        return recipe.record();
    }
}
