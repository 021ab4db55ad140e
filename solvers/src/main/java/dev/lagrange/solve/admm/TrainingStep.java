package dev.lagrange.solve.admm;

/**
 * One row of a training history.
 *
 * @param iteration the iteration (sweep or gradient step), from 1
 * @param objective the method's own objective after the iteration: Taylor et al.'s penalised
 *     objective for ADMM, the mean training loss for gradient descent
 * @param loss the mean training loss (1/n) sum l(f(x_i), y_i) of the network the iteration returns,
 *     comparable across methods
 * @param trainAccuracy the training accuracy of that network
 * @param testAccuracy its test accuracy
 * @param seconds wall time spent in updates so far, evaluation excluded
 */
public record TrainingStep(int iteration, double objective, double loss, double trainAccuracy,
        double testAccuracy, double seconds) {
}
