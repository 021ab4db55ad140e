package dev.lagrange.bench.vector;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The network {@code h_0 = x, h_{l+1} = tanh(W_l h_l + b_l)} for {@code l < L}, objective
 * {@code f = sum_k (h_L)_k}, with inputs in the order x, then {@code W_l} (row-major) and
 * {@code b_l} layer by layer; the gradient is df/d(inputs) in the same order. Four implementations
 * of one function: a program of scalar nodes (one {@code mul} per weight, a weighted sum, an add
 * and a tanh per unit), a program of vector nodes (matvec, add, tanh per layer), and hand-written
 * forward and backward passes on plain arrays and with EJML. Forward plus gradient costs
 * O(L w^2) in each.
 */
public final class TanhNetwork {
    final int layers;
    final int width;
    final double[] inputs;

    /** A network with weights N(0, 1/w) and biases N(0, 0.01) from {@code new Random(seed)}. */
    public TanhNetwork(int layers, int width, long seed) {
        this.layers = layers;
        this.width = width;
        Random random = new Random(seed);
        inputs = new double[width + layers * (width * width + width)];
        for (int k = 0; k < width; k++) {
            inputs[k] = random.nextGaussian();
        }
        for (int l = 0; l < layers; l++) {
            int w = weights(l);
            for (int k = 0; k < width * width; k++) {
                inputs[w + k] = random.nextGaussian() / Math.sqrt(width);
            }
            for (int k = 0; k < width; k++) {
                inputs[w + width * width + k] = 0.1 * random.nextGaussian();
            }
        }
    }

    /** The index of {@code W_l[0, 0]} among the inputs; {@code b_l} follows {@code W_l}. */
    int weights(int l) {
        return width + l * (width * width + width);
    }

    /** The network as vector nodes: three per layer. */
    public Program vectorProgram() {
        var b = Program.builder();
        Var h = b.inputVector("x", new double[width]);
        for (int l = 0; l < layers; l++) {
            Var w = b.inputMatrix("W" + l, width, width, new double[width * width]);
            Var bias = b.inputVector("b" + l, new double[width]);
            h = b.map(Primitive.TANH, b.vectorAdd(b.matvec(w, h), bias));
        }
        return b.output(b.let("f", b.vectorSum(h))).build();
    }

    /** The network as scalar nodes: {@code w^2 + 3w} per layer besides the inputs. */
    public Program scalarProgram() {
        var b = Program.builder();
        Var[] h = new Var[width];
        for (int k = 0; k < width; k++) {
            h[k] = b.input("x" + k, 0);
        }
        double[] ones = new double[width];
        java.util.Arrays.fill(ones, 1);
        for (int l = 0; l < layers; l++) {
            Var[] w = new Var[width * width];
            for (int k = 0; k < w.length; k++) {
                w[k] = b.input((String) null, 0);
            }
            Var[] bias = new Var[width];
            for (int k = 0; k < width; k++) {
                bias[k] = b.input((String) null, 0);
            }
            Var[] next = new Var[width];
            Var[] products = new Var[width];
            for (int r = 0; r < width; r++) {
                for (int j = 0; j < width; j++) {
                    products[j] = b.mul(w[r * width + j], h[j]);
                }
                next[r] = b.tanh(b.add(b.weightedSum(0, ones, products), bias[r]));
            }
            h = next;
        }
        return b.output(b.let("f", b.weightedSum(0, ones, h))).build();
    }

    /**
     * Hand-written forward and backward passes on plain arrays.
     *
     * @param h Modified: {@code (layers + 1) x width} activations.
     * @param gradient Modified: df/d(inputs).
     * @param g Modified: scratch of {@code 2 width}.
     * @return f
     */
    public double arrays(double[][] h, double[] gradient, double[] g) {
        int n = width;
        double[] x = inputs;
        System.arraycopy(x, 0, h[0], 0, n);
        for (int l = 0; l < layers; l++) {
            int w = weights(l);
            int bias = w + n * n;
            double[] in = h[l];
            double[] out = h[l + 1];
            for (int r = 0; r < n; r++) {
                double s = x[bias + r];
                for (int j = 0, wr = w + r * n; j < n; j++) {
                    s += x[wr + j] * in[j];
                }
                out[r] = Math.tanh(s);
            }
        }
        double f = 0;
        for (int k = 0; k < n; k++) {
            f += h[layers][k];
            g[k] = 1;
        }
        for (int l = layers - 1; l >= 0; l--) {
            int w = weights(l);
            int bias = w + n * n;
            double[] in = h[l];
            double[] out = h[l + 1];
            for (int r = 0; r < n; r++) {
                double d = g[r] * (1 - out[r] * out[r]);
                g[n + r] = d;
                gradient[bias + r] = d;
            }
            for (int j = 0; j < n; j++) {
                g[j] = 0;
            }
            for (int r = 0; r < n; r++) {
                double d = g[n + r];
                for (int j = 0, wr = w + r * n; j < n; j++) {
                    gradient[wr + j] = d * in[j];
                    g[j] += d * x[wr + j];
                }
            }
        }
        System.arraycopy(g, 0, gradient, 0, n);
        return f;
    }

    /** The weights and biases as EJML matrices, for {@link #ejml}. */
    public Ejml ejmlState() {
        return new Ejml(this);
    }

    /** Hand-written forward and backward passes with EJML's dense row-major kernels. */
    public static final class Ejml {
        final DMatrixRMaj[] w;
        final DMatrixRMaj[] bias;
        final DMatrixRMaj[] h;
        final DMatrixRMaj[] dw;
        final DMatrixRMaj[] db;
        final DMatrixRMaj g;
        final DMatrixRMaj d;
        final DMatrixRMaj dx;

        Ejml(TanhNetwork net) {
            int n = net.width;
            int layers = net.layers;
            w = new DMatrixRMaj[layers];
            bias = new DMatrixRMaj[layers];
            dw = new DMatrixRMaj[layers];
            db = new DMatrixRMaj[layers];
            h = new DMatrixRMaj[layers + 1];
            for (int l = 0; l < layers; l++) {
                w[l] = new DMatrixRMaj(n, n);
                System.arraycopy(net.inputs, net.weights(l), w[l].data, 0, n * n);
                bias[l] = new DMatrixRMaj(n, 1);
                System.arraycopy(net.inputs, net.weights(l) + n * n, bias[l].data, 0, n);
                dw[l] = new DMatrixRMaj(n, n);
                db[l] = new DMatrixRMaj(n, 1);
            }
            for (int l = 0; l <= layers; l++) {
                h[l] = new DMatrixRMaj(n, 1);
            }
            System.arraycopy(net.inputs, 0, h[0].data, 0, n);
            g = new DMatrixRMaj(n, 1);
            d = new DMatrixRMaj(n, 1);
            dx = new DMatrixRMaj(n, 1);
        }

        /** f; the gradient is left in dw, db and dx. */
        public double run() {
            int layers = w.length;
            for (int l = 0; l < layers; l++) {
                CommonOps_DDRM.mult(w[l], h[l], h[l + 1]);
                double[] out = h[l + 1].data;
                double[] b = bias[l].data;
                for (int r = 0; r < out.length; r++) {
                    out[r] = Math.tanh(out[r] + b[r]);
                }
            }
            double f = CommonOps_DDRM.elementSum(h[layers]);
            CommonOps_DDRM.fill(g, 1);
            for (int l = layers - 1; l >= 0; l--) {
                double[] out = h[l + 1].data;
                for (int r = 0; r < out.length; r++) {
                    d.data[r] = g.data[r] * (1 - out[r] * out[r]);
                }
                db[l].setTo(d);
                CommonOps_DDRM.multTransB(d, h[l], dw[l]);
                CommonOps_DDRM.multTransA(w[l], d, g);
            }
            dx.setTo(g);
            return f;
        }
    }
}
