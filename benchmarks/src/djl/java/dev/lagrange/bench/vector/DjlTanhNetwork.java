package dev.lagrange.bench.vector;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;

/**
 * The {@link TanhNetwork} on DJL's PyTorch engine (CPU): {@code h_{l+1} = tanh(W_l h_l + b_l)},
 * {@code f = sum(h_L)}, with x, every {@code W_l} and every {@code b_l} a tensor that requires a
 * gradient, so that one backward pass gives df/d(inputs) in the network's input order, as the
 * lagrange programs do. The tensors are float64 or float32 (the network's doubles rounded).
 * Forward plus gradient costs O(L w^2), as in the other implementations, plus DJL's per-operation
 * overhead (a JNI call and a Java wrapper per tensor operation: 3 per layer forward).
 *
 * <p>PyTorch accumulates gradients, so {@link #forwardGradient} zeroes them first, as the lagrange
 * benchmarks clear the multipliers.
 */
public final class DjlTanhNetwork implements AutoCloseable {
    private final TanhNetwork net;
    private final NDManager manager;
    private final NDArray x;
    private final NDArray[] w;
    private final NDArray[] bias;

    /**
     * Copies the network's inputs into tensors of {@code type} on the PyTorch engine.
     *
     * @param type {@link DataType#FLOAT64} or {@link DataType#FLOAT32}.
     */
    public DjlTanhNetwork(TanhNetwork net, DataType type) {
        this.net = net;
        int n = net.width;
        manager = Engine.getEngine("PyTorch").newBaseManager();
        x = parameter(0, new Shape(n), type);
        w = new NDArray[net.layers];
        bias = new NDArray[net.layers];
        for (int l = 0; l < net.layers; l++) {
            w[l] = parameter(net.weights(l), new Shape(n, n), type);
            bias[l] = parameter(net.weights(l) + n * n, new Shape(n), type);
        }
    }

    private NDArray parameter(int from, Shape shape, DataType type) {
        double[] values = Arrays.copyOfRange(net.inputs, from, from + (int) shape.size());
        NDArray a = manager.create(values, shape).toType(type, false);
        a.setRequiresGradient(true);
        return a;
    }

    /**
     * One forward pass and one backward pass; the intermediate tensors are freed before it returns.
     *
     * @param gradient Modified when not null: df/d(inputs), in {@link TanhNetwork}'s input order.
     * @return f
     */
    public double forwardGradient(double[] gradient) {
        try (NDManager step = manager.newSubManager()) {
            // temporarily attach the parameters so that every result (and every gradient view)
            // lives in step and is freed when it closes
            x.tempAttach(step);
            for (int l = 0; l < net.layers; l++) {
                w[l].tempAttach(step);
                bias[l].tempAttach(step);
            }
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                // GradientCollector.zeroGradients walks every array the engine manages; zero ours
                zeroGradient(x);
                for (int l = 0; l < net.layers; l++) {
                    zeroGradient(w[l]);
                    zeroGradient(bias[l]);
                }
                NDArray h = x;
                for (int l = 0; l < net.layers; l++) {
                    h = w[l].matMul(h).add(bias[l]).tanh();
                }
                NDArray f = h.sum();
                collector.backward(f);
                if (gradient != null) {
                    copyGradient(gradient);
                }
                return f.toType(DataType.FLOAT64, false).toDoubleArray()[0];
            }
        }
    }

    private static void zeroGradient(NDArray parameter) {
        if (parameter.hasGradient()) {
            NDArray g = parameter.getGradient();
            g.subi(g);
        }
    }

    private void copyGradient(double[] gradient) {
        int n = net.width;
        copy(x, gradient, 0);
        for (int l = 0; l < net.layers; l++) {
            copy(w[l], gradient, net.weights(l));
            copy(bias[l], gradient, net.weights(l) + n * n);
        }
    }

    private static void copy(NDArray parameter, double[] to, int at) {
        double[] g = parameter.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        System.arraycopy(g, 0, to, at, g.length);
    }

    @Override
    public void close() {
        manager.close();
    }
}
