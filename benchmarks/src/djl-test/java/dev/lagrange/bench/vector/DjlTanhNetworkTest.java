package dev.lagrange.bench.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.DataType;
import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The DJL/PyTorch network computes the lagrange vector program's function: objective and every
 * entry of df/d(inputs) (x, W_l, b_l) agree to 1e-10 relative in float64, on the benchmark's
 * network and on smaller seeded ones; a second call agrees too (PyTorch's accumulated gradients
 * are zeroed). The reference is lagrange's reverse sweep, itself checked against finite
 * differences in core; here the hand-written backward pass is a second, independent reference.
 */
class DjlTanhNetworkTest {
    @BeforeAll
    static void offlineSingleThread() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    @ParameterizedTest
    @CsvSource({"50, 100, 2026", "3, 7, 1", "10, 20, 17"})
    void agreesWithTheVectorProgramInFloat64(int layers, int width, long seed) {
        TanhNetwork net = new TanhNetwork(layers, width, seed);
        Program vector = net.vectorProgram();
        double[] z = new double[vector.slotCount()];
        Sweeps.forward(vector, net.inputs, z);
        double[] lambda = new double[vector.slotCount()];
        int objective = vector.slot(vector.objective());
        lambda[objective] = 1;
        Sweeps.reverse(vector, z, lambda, lambda, 0, vector.size());
        double f = z[objective];

        double[] handWritten = new double[net.inputs.length];
        double fh = net.arrays(new double[layers + 1][width], handWritten, new double[2 * width]);
        String where = " (layers " + layers + ", width " + width + ", seed " + seed + ")";
        assertEquals(f, fh, 1e-12 * Math.abs(f), "hand-written f" + where);

        try (DjlTanhNetwork djl = new DjlTanhNetwork(net, DataType.FLOAT64)) {
            double[] gradient = new double[net.inputs.length];
            for (int call = 1; call <= 2; call++) {
                Arrays.fill(gradient, Double.NaN);
                double fd = djl.forwardGradient(gradient);
                assertEquals(f, fd, 1e-10 * Math.abs(f), "f, call " + call + where);
                for (int k = 0; k < gradient.length; k++) {
                    // relative per entry: deep layers' entries are far below 1 (measured worst
                    // 9.3e-12 on the benchmark's network)
                    double expected = lambda[vector.inputSlot(k)];
                    assertEquals(expected, gradient[k], 1e-10 * Math.abs(expected),
                            "df/d input " + k + ", call " + call + where);
                    assertEquals(handWritten[k], gradient[k], 1e-10 * Math.abs(handWritten[k]),
                            "hand-written df/d input " + k + ", call " + call + where);
                }
            }
        }
    }
}
