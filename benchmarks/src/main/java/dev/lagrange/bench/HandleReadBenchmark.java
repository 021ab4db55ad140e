package dev.lagrange.bench;

import dev.lagrange.program.Var;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A floor under recording the random DAG: the loop that only reads the builder id of each
 * operand's handle, in the recording's order, with no node recorded. A quarter of the operands are
 * handles from anywhere among 10^6, so most of this is waiting for memory; whatever recording costs
 * beyond it is the builder's. Scores in ns per node, as {@link ProgramBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(Workloads.NODES)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class HandleReadBenchmark {
    private RandomDag dag;
    private Var[] z;

    @Setup
    public void setUp() {
        dag = new RandomDag(Workloads.NODES);
        z = new Var[dag.m];
        dag.record(z);
    }

    @Benchmark
    public long readOperands() {
        return dag.readOperands(z);
    }
}
