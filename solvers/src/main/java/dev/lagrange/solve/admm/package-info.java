/**
 * Training a ReLU network without gradients: Taylor et al.'s ADMM scheme, where weights,
 * pre-activations and activations of every layer are separate variables tied by penalties, and a
 * Lagrange multiplier sits on the output layer only.
 *
 * <p>{@link dev.lagrange.solve.admm.AdmmNetworkTrainer} runs the scheme (least-squares weight steps,
 * ridge activation steps, elementwise closed-form pre-activation steps, then the multiplier step);
 * {@link dev.lagrange.solve.admm.AdmmUpdates} holds each update as a stateless operation so that it
 * can be checked against its own closed form; {@link dev.lagrange.solve.admm.GradientDescentTrainer}
 * is the baseline, full-batch gradient descent with gradients by back-substitution through the same
 * network. Both return a {@link dev.lagrange.solve.admm.TrainingResult} with a per-iteration history.
 *
 * <p>Reference: G. Taylor, R. Burmeister, Z. Xu, B. Singh, A. Patel, T. Goldstein, "Training Neural
 * Networks Without Gradients: A Scalable ADMM Approach", ICML 2016.
 *
 * <p>This is one of three ADMMs in the project: {@link dev.lagrange.solve.multiplier.BlockAdmm} is the
 * general method on any program split into blocks of nodes, of which this trainer is the
 * specialisation whose steps have closed forms for ReLU networks;
 * {@link dev.lagrange.solve.multiplier.LassoAdmm} is the two-block textbook form.
 */
package dev.lagrange.solve.admm;
