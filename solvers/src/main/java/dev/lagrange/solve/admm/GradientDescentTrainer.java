package dev.lagrange.solve.admm;

import dev.lagrange.solve.SolveStatus;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The baseline: full-batch gradient descent W_l &lt;- W_l - eta dJ/dW_l on the mean loss
 * J = (1/n) sum_i l(f(x_i), y_i) of the same ReLU network that {@link AdmmNetworkTrainer} trains.
 * The gradient is back-substitution of the network's constraints z_l = W_l a_{l-1}, a_l = h(z_l):
 * the multipliers are lambda_{z_L} = l'(z_L) / n, lambda_{a_{l-1}} = W_l^T lambda_{z_l},
 * lambda_{z_l} = lambda_{a_l} * h'(z_l), and dJ/dW_l = lambda_{z_l} a_{l-1}^T — the matrix form of what
 * {@code BackSubstitution} does on a scalar program (the tests check one against the other).
 * O(n sum_l n_l n_{l-1}) per step.
 */
public final class GradientDescentTrainer {
    private final GradientDescentOptions options;

    /** @param options the parameters */
    public GradientDescentTrainer(GradientDescentOptions options) {
        this.options = options;
    }

    /** The parameters. */
    public GradientDescentOptions options() {
        return options;
    }

    /** Trains from He-initialised weights (the same seed as {@link AdmmOptions#seed()} gives the same start). */
    public TrainingResult train(Samples train, Samples test) {
        return train(ReluNetwork.random(train.dimension(), options.hiddenWidths(), options.seed()), train, test);
    }

    /**
     * Trains from the given weights, recording after every step the loss and accuracies.
     *
     * @param start the initial network
     * @param train the training samples
     * @param test the held-out samples, only evaluated
     */
    public TrainingResult train(ReluNetwork start, Samples train, Samples test) {
        DMatrixRMaj a0 = train.inputs();
        DMatrixRMaj y = train.labels();
        List<DMatrixRMaj> w = start.weights();
        List<TrainingStep> history = new ArrayList<>();
        ReluNetwork network = start;
        double seconds = 0;
        for (int t = 1; t <= options.iterations(); t++) {
            long began = System.nanoTime();
            List<DMatrixRMaj> g = gradient(w, a0, y, options.loss());
            for (int l = 0; l < w.size(); l++) {
                CommonOps_DDRM.addEquals(w.get(l), -options.learningRate(), g.get(l));
            }
            seconds += (System.nanoTime() - began) * 1e-9;
            for (int l = 0; l < w.size(); l++) {
                if (!AdmmUpdates.allFinite(w.get(l))) {
                    return new TrainingResult(network, history, SolveStatus.NON_FINITE, "the weights W_" + (l + 1)
                            + " became non-finite at gradient step " + t + " (learning rate " + options.learningRate() + ")");
                }
            }
            network = new ReluNetwork(w);
            double loss = network.meanLoss(train, options.loss());
            history.add(new TrainingStep(t, loss, loss, network.accuracy(train), network.accuracy(test), seconds));
        }
        TrainingStep last = history.get(history.size() - 1);
        return new TrainingResult(network, history, SolveStatus.NOT_CONVERGED, String.format(
                "gradient descent ran %d steps: training loss %.4g, train accuracy %.3f, test accuracy %.3f",
                options.iterations(), last.loss(), last.trainAccuracy(), last.testAccuracy()));
    }

    /**
     * dJ/dW_l for J = (1/n) sum_i l(z_L,i, y_i), by back-substitution through the layers; at a ReLU
     * kink (z = 0) and a loss kink the subgradient 0 is taken.
     *
     * @param w the weights W_1 ... W_L; not modified
     * @param a0 the inputs, one column per sample; not modified
     * @param y the labels, 1 x n; not modified
     * @return the gradients, one matrix per layer, shaped like the weights
     */
    public static List<DMatrixRMaj> gradient(List<DMatrixRMaj> w, DMatrixRMaj a0, DMatrixRMaj y, Loss loss) {
        int depth = w.size();
        int n = a0.numCols;
        DMatrixRMaj[] a = new DMatrixRMaj[depth];
        DMatrixRMaj[] z = new DMatrixRMaj[depth];
        a[0] = a0;
        for (int l = 0; l < depth; l++) {
            z[l] = new DMatrixRMaj(w.get(l).numRows, n);
            CommonOps_DDRM.mult(w.get(l), a[l], z[l]);
            if (l + 1 < depth) {
                a[l + 1] = z[l].copy();
                ReluNetwork.relu(a[l + 1]);
            }
        }
        DMatrixRMaj[] g = new DMatrixRMaj[depth];
        DMatrixRMaj lambda = new DMatrixRMaj(1, n);
        for (int i = 0; i < n; i++) {
            lambda.data[i] = loss.derivative(z[depth - 1].data[i], y.data[i]) / n;
        }
        for (int l = depth - 1; l >= 0; l--) {
            g[l] = new DMatrixRMaj(w.get(l).numRows, w.get(l).numCols);
            CommonOps_DDRM.multTransB(lambda, a[l], g[l]);
            if (l > 0) {
                DMatrixRMaj below = new DMatrixRMaj(w.get(l).numCols, n);
                CommonOps_DDRM.multTransA(w.get(l), lambda, below);
                double[] zl = z[l - 1].data;
                for (int k = 0; k < below.getNumElements(); k++) {
                    if (!(zl[k] > 0)) {
                        below.data[k] = 0;
                    }
                }
                lambda = below;
            }
        }
        return List.of(g);
    }
}
