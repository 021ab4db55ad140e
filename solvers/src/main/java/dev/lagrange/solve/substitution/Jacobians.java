package dev.lagrange.solve.substitution;

import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;

/**
 * Derivatives of every output of an acyclic program with respect to its inputs, at a point z that
 * satisfies the constraints: vector-Jacobian products (one back-substitution each), Jacobian-vector
 * products (one tangent sweep each), and the full m x d Jacobian, assembled by whichever needs
 * fewer sweeps: m reverse sweeps when m <= d, d tangent sweeps otherwise.
 */
public final class Jacobians {
    private Jacobians() {
    }

    /** {@code w^T (d out / d x)}: a new array of d entries. */
    public static double[] vjp(Program program, double[] z, double[] w) {
        double[] lambda = BackSubstitution.solve(program, z, BackSubstitution.outputSeed(program, w));
        return BackSubstitution.inputMultipliers(program, lambda);
    }

    /** {@code (d out / d x) dx}: a new array of m entries. */
    public static double[] jvp(Program program, double[] z, double[] dx) {
        ForwardPass.requireAcyclic(program);
        if (dx.length != program.inputCount()) {
            throw new IllegalArgumentException("expected " + program.inputCount() + " tangent entries, got " + dx.length);
        }
        double[] dz = new double[program.slotCount()];
        Sweeps.tangent(program, z, dx, dz);
        double[] out = new double[program.outputCount()];
        for (int k = 0; k < out.length; k++) {
            out[k] = dz[program.slot(program.output(k))];
        }
        return out;
    }

    /** The m x d Jacobian {@code d out_k / d x_j}, by reverse sweeps if m <= d, else tangent sweeps. */
    public static double[][] jacobian(Program program, double[] z) {
        int m = program.outputCount();
        int d = program.inputCount();
        double[][] jac = new double[m][];
        if (m <= d) {
            double[] w = new double[m];
            for (int k = 0; k < m; k++) {
                w[k] = 1;
                jac[k] = vjp(program, z, w);
                w[k] = 0;
            }
        } else {
            for (int k = 0; k < m; k++) {
                jac[k] = new double[d];
            }
            double[] dx = new double[d];
            for (int j = 0; j < d; j++) {
                dx[j] = 1;
                double[] column = jvp(program, z, dx);
                for (int k = 0; k < m; k++) {
                    jac[k][j] = column[k];
                }
                dx[j] = 0;
            }
        }
        return jac;
    }

    /** Whether {@link #jacobian} uses reverse sweeps for this program's shape. */
    public static boolean usesReverseMode(Program program) {
        return program.outputCount() <= program.inputCount();
    }
}
