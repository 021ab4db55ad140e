package dev.lagrange.solve.admm;

import dev.lagrange.solve.SolveStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Taylor et al.'s ADMM training of a ReLU network. With a_0 the inputs, the variables are the
 * weights W_l, pre-activations z_l and activations a_l of every layer; the method minimises
 * <pre>
 *   l(z_L, y) + &lt;z_L, lambda&gt; + beta ||z_L - W_L a_{L-1}||^2
 *     + sum_{l &lt; L} (gamma ||a_l - h(z_l)||^2 + beta ||z_l - W_l a_{l-1}||^2)
 * </pre>
 * block by block, with a Lagrange multiplier lambda on the output layer only. One sweep:
 * for each hidden layer l, W_l &lt;- z_l a_{l-1}^+ ({@link AdmmUpdates#weightStep}), then
 * a_l &lt;- (beta W_{l+1}^T W_{l+1} + gamma I)^{-1} (beta W_{l+1}^T z_{l+1} + gamma h(z_l))
 * ({@link AdmmUpdates#activationStep}), then z_l by the elementwise ReLU minimiser
 * ({@link AdmmUpdates#reluStep}); then W_L, z_L by the loss's closed form
 * ({@link Loss#outputStep}), and, after the warm start, lambda &lt;- lambda + beta (z_L - W_L a_{L-1}).
 * The state starts from a forward pass of He-initialised weights with lambda = 0.
 *
 * <p>Options add what the follow-up literature tries: beta and gamma grown geometrically per sweep
 * (continuation), and multipliers on every hidden layer, where the term
 * &lt;lambda_l, z_l - W_l a_{l-1}&gt; shifts the targets of the W-, a- and z-steps by lambda_l / (2 beta)
 * and lambda_l gets the same step as the output's.
 *
 * <p>Cost per sweep O(n sum_l n_l n_{l-1} + sum_l n_l^3) for n samples; no step needs a gradient.
 * Reference: G. Taylor et al., "Training Neural Networks Without Gradients: A Scalable ADMM
 * Approach", ICML 2016, Algorithm 1.
 */
public final class AdmmNetworkTrainer {
    private final AdmmOptions options;

    /** @param options the parameters */
    public AdmmNetworkTrainer(AdmmOptions options) {
        this.options = options;
    }

    /** The parameters. */
    public AdmmOptions options() {
        return options;
    }

    /**
     * Trains on {@code train}, recording after every sweep the objective, the training loss and the
     * accuracies of the network given by the current weights.
     *
     * @param train the training samples
     * @param test the held-out samples, only evaluated
     */
    public TrainingResult train(Samples train, Samples test) {
        return train(ReluNetwork.random(train.dimension(), options.hiddenWidths(), options.seed()), train, test);
    }

    /**
     * Trains from the given weights (their widths override {@link AdmmOptions#hiddenWidths()}).
     *
     * @param start the initial network
     * @param train the training samples
     * @param test the held-out samples, only evaluated
     */
    public TrainingResult train(ReluNetwork start, Samples train, Samples test) {
        if (start.weight(1).numCols != train.dimension() + 1) {
            throw new IllegalArgumentException("the network takes " + start.weight(1).numCols
                    + " inputs, the samples have " + train.dimension() + " coordinates plus the bias row");
        }
        State s = new State(start, train.inputs());
        DMatrixRMaj y = train.labels();
        double beta = options.beta();
        double gamma = options.gamma();
        List<TrainingStep> history = new ArrayList<>();
        ReluNetwork network = start;
        double seconds = 0;
        int sweeps = options.warmStart() + options.iterations();
        for (int t = 1; t <= sweeps; t++) {
            long began = System.nanoTime();
            String failure = sweep(s, y, beta, gamma, t > options.warmStart());
            seconds += (System.nanoTime() - began) * 1e-9;
            if (failure != null) {
                return new TrainingResult(network, history, failure.startsWith("singular") ? SolveStatus.SINGULAR
                        : SolveStatus.NON_FINITE, failure + " at sweep " + t + " (beta = " + beta + ", gamma = " + gamma + ")");
            }
            network = new ReluNetwork(Arrays.asList(s.w));
            double objective = objective(s, y, beta, gamma);
            history.add(new TrainingStep(t, objective, network.meanLoss(train, options.loss()),
                    network.accuracy(train), network.accuracy(test), seconds));
            if (!Double.isFinite(objective)) {
                return new TrainingResult(network, history, SolveStatus.NON_FINITE,
                        "the ADMM objective became " + objective + " at sweep " + t);
            }
            beta *= options.betaGrowth();
            gamma *= options.gammaGrowth();
        }
        TrainingStep last = history.get(history.size() - 1);
        return new TrainingResult(network, history, SolveStatus.NOT_CONVERGED, String.format(
                "ADMM ran %d sweeps (%d warm start): training loss %.4g, train accuracy %.3f, test accuracy %.3f",
                sweeps, options.warmStart(), last.loss(), last.trainAccuracy(), last.testAccuracy()));
    }

    /** One sweep of Algorithm 1; returns null, or what failed. */
    private String sweep(State s, DMatrixRMaj y, double beta, double gamma, boolean updateMultipliers) {
        int last = s.w.length - 1;
        for (int l = 0; l < last; l++) {
            if (!AdmmUpdates.weightStep(shifted(s.z[l], s.lambda[l], beta), s.a[l], options.ridge(), s.w[l])) {
                return "singular normal equations in the weight step of layer " + (l + 1);
            }
            DMatrixRMaj zNext = l + 1 < last ? shifted(s.z[l + 1], s.lambda[l + 1], beta) : s.z[l + 1];
            if (!AdmmUpdates.activationStep(s.w[l + 1], zNext, s.z[l], beta, gamma, s.a[l + 1])) {
                return "non-finite activations a_" + (l + 1) + " in the activation step";
            }
            DMatrixRMaj m = new DMatrixRMaj(s.z[l].numRows, s.z[l].numCols);
            CommonOps_DDRM.mult(s.w[l], s.a[l], m);
            DMatrixRMaj target = shifted(m, s.lambda[l], -beta);
            AdmmUpdates.reluStep(s.a[l + 1], target, beta, gamma, s.z[l]);
        }
        if (!AdmmUpdates.weightStep(s.z[last], s.a[last], options.ridge(), s.w[last])) {
            return "singular normal equations in the weight step of output layer " + (last + 1);
        }
        DMatrixRMaj m = new DMatrixRMaj(1, y.numCols);
        CommonOps_DDRM.mult(s.w[last], s.a[last], m);
        AdmmUpdates.outputStep(options.loss(), m, s.lambda[last], y, beta, s.z[last]);
        if (updateMultipliers) {
            AdmmUpdates.multiplierStep(s.z[last], m, beta, s.lambda[last]);
            if (options.layerMultipliers()) {
                for (int l = 0; l < last; l++) {
                    DMatrixRMaj ml = new DMatrixRMaj(s.z[l].numRows, s.z[l].numCols);
                    CommonOps_DDRM.mult(s.w[l], s.a[l], ml);
                    AdmmUpdates.multiplierStep(s.z[l], ml, beta, s.lambda[l]);
                }
            }
        }
        return AdmmUpdates.allFinite(s.z[last]) && AdmmUpdates.allFinite(s.lambda[last]) ? null
                : "non-finite outputs z_L or multipliers";
    }

    /** x + lambda / (2 beta), the target a hidden multiplier induces; x itself when there is none. */
    private DMatrixRMaj shifted(DMatrixRMaj x, DMatrixRMaj lambda, double beta) {
        if (!options.layerMultipliers() || lambda == null) {
            return x;
        }
        DMatrixRMaj out = x.copy();
        CommonOps_DDRM.addEquals(out, 1 / (2 * beta), lambda);
        return out;
    }

    /** Taylor et al.'s penalised objective at the current state (with hidden multipliers if on). */
    private double objective(State s, DMatrixRMaj y, double beta, double gamma) {
        int last = s.w.length - 1;
        double sum = 0;
        for (int l = 0; l <= last; l++) {
            DMatrixRMaj r = new DMatrixRMaj(s.z[l].numRows, s.z[l].numCols);
            CommonOps_DDRM.mult(s.w[l], s.a[l], r);
            CommonOps_DDRM.subtract(s.z[l], r, r);
            sum += beta * CommonOps_DDRM.elementSum(CommonOps_DDRM.elementMult(r, r, null));
            if (l < last) {
                if (options.layerMultipliers()) {
                    sum += CommonOps_DDRM.elementSum(CommonOps_DDRM.elementMult(s.lambda[l], r, null));
                }
                DMatrixRMaj h = s.z[l].copy();
                ReluNetwork.relu(h);
                CommonOps_DDRM.subtract(s.a[l + 1], h, h);
                sum += gamma * CommonOps_DDRM.elementSum(CommonOps_DDRM.elementMult(h, h, null));
            }
        }
        for (int i = 0; i < y.numCols; i++) {
            sum += options.loss().value(s.z[last].data[i], y.data[i]) + s.lambda[last].data[i] * s.z[last].data[i];
        }
        return sum;
    }

    /** The ADMM variables: W_l, z_l, a_{l-1} and lambda_l for l = 1 ... L (0-based arrays). */
    private static final class State {
        final DMatrixRMaj[] w;
        final DMatrixRMaj[] z;
        final DMatrixRMaj[] a;
        final DMatrixRMaj[] lambda;

        State(ReluNetwork start, DMatrixRMaj a0) {
            int depth = start.depth();
            w = start.weights().toArray(new DMatrixRMaj[0]);
            z = new DMatrixRMaj[depth];
            a = new DMatrixRMaj[depth];
            lambda = new DMatrixRMaj[depth];
            a[0] = a0;
            for (int l = 0; l < depth; l++) {
                z[l] = new DMatrixRMaj(w[l].numRows, a0.numCols);
                CommonOps_DDRM.mult(w[l], a[l], z[l]);
                lambda[l] = new DMatrixRMaj(w[l].numRows, a0.numCols);
                if (l + 1 < depth) {
                    a[l + 1] = z[l].copy();
                    ReluNetwork.relu(a[l + 1]);
                }
            }
        }
    }
}
