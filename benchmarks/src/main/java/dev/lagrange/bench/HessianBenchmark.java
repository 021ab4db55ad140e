package dev.lagrange.bench;

import dev.lagrange.program.Program;
import dev.lagrange.program.SecondOrder;
import dev.lagrange.program.Sweeps;
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
 * One Hessian-vector product ({@link SecondOrder#hessianTimes}: forward, tangent, reverse and
 * second-order reverse sweeps, into a reused workspace) against one forward sweep, single thread,
 * on programs of {@link Workloads#NODES} nodes, in ns per node. Their ratio is the cost of a
 * product in evaluations (Griewank's bound for forward over reverse is about 4 to 5).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(Workloads.NODES)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class HessianBenchmark {
    @Param({"DOMKE", "DAG", "CHAIN"})
    public Workloads workload;

    private Program program;
    private SecondOrder second;
    private SecondOrder.Workspace workspace;
    private double[] x;
    private double[] v;
    private double[] z;
    private double[] hv;
    private int objective;

    @Setup
    public void setUp() {
        program = workload.recipe(Workloads.NODES).record();
        second = SecondOrder.of(program);
        workspace = second.workspace();
        x = program.inputDefaults();
        v = new double[x.length];
        java.util.Arrays.fill(v, 1);
        z = new double[program.slotCount()];
        hv = new double[x.length];
        objective = program.slot(program.objective());
    }

    @Benchmark
    public double forward() {
        Sweeps.forward(program, x, z);
        return z[objective];
    }

    @Benchmark
    public double hessianTimes() {
        second.hessianTimes(x, v, workspace, hv);
        return hv[0];
    }
}
