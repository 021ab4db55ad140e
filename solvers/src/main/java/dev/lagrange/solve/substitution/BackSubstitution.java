package dev.lagrange.solve.substitution;

import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;

/**
 * The lambda-step of block-coordinate solving on an acyclic program: the multiplier equations
 * dL/dz = 0,
 * <pre>
 *   lambda_j = seed_j + sum_{i in beta(j)} lambda_i df_i/dz_j,
 * </pre>
 * solved by back-substitution in reverse topological order. With the seed {@code e_n} this is
 * reverse-mode differentiation (backprop) and {@code grad f(x) = lambda_{1:d}}; with a seed
 * {@code w} over the outputs it is the vector-Jacobian product {@code w^T (d out / dx)}. O(n + edges).
 */
public final class BackSubstitution {
    private BackSubstitution() {
    }

    /**
     * Solves the multiplier equations on nodes {@code [from, to)}, which must hold no cyclic block.
     *
     * @param z Not modified: a point satisfying the constraints.
     * @param lambda Modified: holds the seed plus whatever later nodes pushed back on entry, and the
     *     multipliers of the range on exit.
     */
    public static void solve(Program program, double[] z, double[] lambda, int from, int to) {
        Sweeps.reverse(program, z, lambda, lambda, from, to);
    }

    /**
     * The multipliers of a whole acyclic program for a seed over value slots.
     *
     * @param seed Not modified.
     * @return a new multiplier vector
     */
    public static double[] solve(Program program, double[] z, double[] seed) {
        ForwardPass.requireAcyclic(program);
        double[] lambda = seed.clone();
        solve(program, z, lambda, 0, program.size());
        return lambda;
    }

    /** The seed {@code e_n}: 1 at the objective, 0 elsewhere. */
    public static double[] objectiveSeed(Program program) {
        double[] seed = new double[program.slotCount()];
        seed[program.slot(program.objective())] = 1;
        return seed;
    }

    /** The seed {@code sum_k w_k e_out(k)} over the outputs. */
    public static double[] outputSeed(Program program, double[] w) {
        if (w.length != program.outputCount()) {
            throw new IllegalArgumentException("expected " + program.outputCount() + " output weights, got " + w.length);
        }
        double[] seed = new double[program.slotCount()];
        for (int k = 0; k < w.length; k++) {
            seed[program.slot(program.output(k))] += w[k];
        }
        return seed;
    }

    /** The input multipliers {@code lambda_{1:d}}: the gradient once both steps are done (a new array). */
    public static double[] inputMultipliers(Program program, double[] lambda) {
        double[] g = new double[program.inputCount()];
        for (int k = 0; k < g.length; k++) {
            g[k] = lambda[program.inputSlot(k)];
        }
        return g;
    }

    /** The first node whose multiplier is not finite, or -1. */
    public static int firstNonFinite(Program program, double[] lambda) {
        return Sweeps.firstNonFinite(program, lambda, 0, program.size());
    }

}
