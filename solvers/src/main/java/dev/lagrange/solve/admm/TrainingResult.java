package dev.lagrange.solve.admm;

import dev.lagrange.solve.SolveStatus;
import java.util.List;

/**
 * The outcome of a training run: the network, its story, and how it ended. Training runs a fixed
 * number of iterations, so a finished run reports {@link SolveStatus#NOT_CONVERGED} with no claim of
 * stationarity; {@link SolveStatus#NON_FINITE} or {@link SolveStatus#SINGULAR} name the layer and
 * iteration that failed, and the network is then the last finite one.
 *
 * @param network the trained network
 * @param history one step per iteration
 * @param status how the run ended
 * @param message a sentence for people
 */
public record TrainingResult(ReluNetwork network, List<TrainingStep> history, SolveStatus status, String message) {
    public TrainingResult {
        history = List.copyOf(history);
    }

    /** Whether the run went through all its iterations with finite numbers. */
    public boolean completed() {
        return status == SolveStatus.NOT_CONVERGED || status == SolveStatus.CONVERGED;
    }

    /** The last history row. */
    public TrainingStep last() {
        return history.get(history.size() - 1);
    }

    /** This result, or an {@link IllegalStateException} carrying the message if the run did not complete. */
    public TrainingResult orThrow() {
        if (!completed()) {
            throw new IllegalStateException(message);
        }
        return this;
    }
}
