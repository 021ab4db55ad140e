package dev.lagrange.solve.substitution;

import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;

/**
 * The z-step of block-coordinate solving on an acyclic program: {@code z_i = f_i(z_alpha(i))} in
 * topological order, which satisfies every constraint exactly (dL/dlambda = 0). O(n + edges).
 */
public final class ForwardPass {
    private ForwardPass() {
    }

    /**
     * Runs the z-step on nodes {@code [from, to)}, which must hold no cyclic block.
     *
     * @param x Not modified.
     * @param z Modified.
     * @return the first node in the range whose value is not finite (the one where a NaN or an
     *     infinity first appeared, its arguments being finite), or -1
     */
    public static int solve(Program program, double[] x, double[] z, int from, int to) {
        Sweeps.forward(program, x, z, from, to);
        return Sweeps.firstNonFinite(program, z, from, to);
    }

    /** The z-step on a whole acyclic program; see {@link #solve(Program, double[], double[], int, int)}. */
    public static int solve(Program program, double[] x, double[] z) {
        requireAcyclic(program);
        return solve(program, x, z, 0, program.size());
    }

    static void requireAcyclic(Program program) {
        if (!program.isAcyclic()) {
            throw new IllegalArgumentException("substitution needs an acyclic program; this one has "
                    + program.blocks().cyclicCount() + " cyclic block(s)");
        }
    }
}
