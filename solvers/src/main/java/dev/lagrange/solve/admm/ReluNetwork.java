package dev.lagrange.solve.admm;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * A fully connected ReLU network without biases, f(a_0) = W_L h(W_{L-1} ... h(W_1 a_0)), h = max(., 0);
 * a bias enters through the constant row of {@link Samples#inputs()}. Immutable: the weights are
 * copied in and out. A forward pass over n samples costs O(n sum_l n_l n_{l-1}).
 */
public final class ReluNetwork {
    private final DMatrixRMaj[] weights;

    /**
     * @param weights W_1 ... W_L, W_l of size n_l x n_{l-1}, the last with one row; not modified (copied)
     */
    public ReluNetwork(List<DMatrixRMaj> weights) {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        this.weights = new DMatrixRMaj[weights.size()];
        for (int l = 0; l < weights.size(); l++) {
            DMatrixRMaj w = weights.get(l);
            if (l > 0 && w.numCols != weights.get(l - 1).numRows) {
                throw new IllegalArgumentException("layer " + (l + 1) + " takes " + w.numCols
                        + " inputs but layer " + l + " has " + weights.get(l - 1).numRows + " outputs");
            }
            this.weights[l] = w.copy();
        }
        if (this.weights[this.weights.length - 1].numRows != 1) {
            throw new IllegalArgumentException("the output layer must have one unit, not "
                    + this.weights[this.weights.length - 1].numRows);
        }
    }

    /**
     * He-initialised weights (Gaussian, variance 2 / fan-in) for the widths n_0, n_1, ..., n_L = 1.
     *
     * @param widths the layer widths, input (with its bias row) first; not modified
     * @param seed the random seed
     */
    public static ReluNetwork random(int[] widths, long seed) {
        if (widths.length < 2 || widths[widths.length - 1] != 1) {
            throw new IllegalArgumentException("widths must run from the input to one output: " + Arrays.toString(widths));
        }
        Random random = new Random(seed);
        DMatrixRMaj[] w = new DMatrixRMaj[widths.length - 1];
        for (int l = 0; l < w.length; l++) {
            w[l] = new DMatrixRMaj(widths[l + 1], widths[l]);
            double scale = Math.sqrt(2.0 / widths[l]);
            for (int k = 0; k < w[l].data.length; k++) {
                w[l].data[k] = scale * random.nextGaussian();
            }
        }
        return new ReluNetwork(List.of(w));
    }

    /**
     * He-initialised weights for samples of dimension d: widths d + 1 (the bias row), the hidden
     * widths, then 1.
     *
     * @param hiddenWidths the hidden layer widths; not modified
     */
    public static ReluNetwork random(int dimension, int[] hiddenWidths, long seed) {
        int[] widths = new int[hiddenWidths.length + 2];
        widths[0] = dimension + 1;
        System.arraycopy(hiddenWidths, 0, widths, 1, hiddenWidths.length);
        widths[widths.length - 1] = 1;
        return random(widths, seed);
    }

    /** Throws unless every hidden width is positive; returns a copy. @param hiddenWidths not modified */
    static int[] checkedWidths(int[] hiddenWidths) {
        for (int w : hiddenWidths) {
            if (w < 1) {
                throw new IllegalArgumentException("hidden widths must be positive: " + Arrays.toString(hiddenWidths));
            }
        }
        return hiddenWidths.clone();
    }

    /** The number of weight layers L. */
    public int depth() {
        return weights.length;
    }

    /** A copy of W_l, l = 1 ... L. */
    public DMatrixRMaj weight(int l) {
        return weights[l - 1].copy();
    }

    /** Copies of W_1 ... W_L. */
    public List<DMatrixRMaj> weights() {
        return Arrays.stream(weights).map(DMatrixRMaj::copy).toList();
    }

    /**
     * The output row z_L = W_L a_{L-1} for the columns of a_0.
     *
     * @param a0 the inputs, one column per sample; not modified
     */
    public DMatrixRMaj output(DMatrixRMaj a0) {
        DMatrixRMaj a = a0;
        for (int l = 0; l < weights.length; l++) {
            DMatrixRMaj z = new DMatrixRMaj(weights[l].numRows, a.numCols);
            CommonOps_DDRM.mult(weights[l], a, z);
            if (l < weights.length - 1) {
                relu(z);
            }
            a = z;
        }
        return a;
    }

    /** The mean loss (1/n) sum_i l(f(x_i), y_i) over the samples. */
    public double meanLoss(Samples samples, Loss loss) {
        DMatrixRMaj z = output(samples.inputs());
        double sum = 0;
        for (int i = 0; i < samples.size(); i++) {
            sum += loss.value(z.data[i], samples.y()[i]);
        }
        return sum / samples.size();
    }

    /** The fraction of samples classified correctly (class 1 where f(x) > 1/2). */
    public double accuracy(Samples samples) {
        DMatrixRMaj z = output(samples.inputs());
        int correct = 0;
        for (int i = 0; i < samples.size(); i++) {
            if ((z.data[i] > 0.5) == (samples.y()[i] == 1)) {
                correct++;
            }
        }
        return (double) correct / samples.size();
    }

    /** h(z) = max(z, 0) elementwise, in place. @param z modified */
    static void relu(DMatrixRMaj z) {
        double[] d = z.data;
        int size = z.getNumElements();
        for (int k = 0; k < size; k++) {
            d[k] = Math.max(d[k], 0);
        }
    }
}
