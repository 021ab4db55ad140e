package dev.lagrange.solve.newton;

/**
 * The factored Jacobian of a solved cyclic block at its solution, kept for the multiplier step. By
 * the implicit function theorem the block's multipliers solve
 * <pre>
 *   J_B^T lambda_B = rhs,   rhs_j = seed_j + sum_{i after B} lambda_i df_i/dz_j,
 * </pre>
 * with the same factors Newton's last step used; they then flow on to the block's arguments outside
 * it, {@code lambda_k += sum_{i in B} lambda_i df_i/dz_k}. O(m^2) for a dense block of m unknowns, O(nnz(L) + nnz(U)) for a sparse one, plus
 * O(its arguments).
 */
public final class BlockFactors {
    private final BlockSystem system;
    private final Linearization jacobian;

    BlockFactors(Linearization jacobian) {
        this.system = jacobian.block;
        this.jacobian = jacobian;
    }

    /**
     * Solves the block's multiplier equations and pushes the result to earlier nodes.
     *
     * @param z Not modified: the solution.
     * @param lambda Modified: on entry the block's entries hold rhs (the seed plus what later nodes
     *     pushed back); on exit they hold lambda_B, and the block's arguments outside it have
     *     received their share.
     * @return {@code ||J_B^T lambda_B - rhs||_inf}
     */
    public double solveMultipliers(double[] z, double[] lambda) {
        int m = system.m;
        double[] rhs = new double[m];
        System.arraycopy(lambda, system.s0, rhs, 0, m);
        double[] l = rhs.clone();
        double[] check = new double[m];
        jacobian.factors.solveTransposed(l, check);
        if (jacobian.factors instanceof Gmres krylov && !krylov.lastConverged() && jacobian.factorInstead(z)) {
            // GMRES stalled on J^T: the LU of J at the solution serves instead
            System.arraycopy(rhs, 0, l, 0, m);
            jacobian.factors.solveTransposed(l, check);
        }
        jacobian.multiplyTransposed(l, check);
        double worst = 0;
        for (int c = 0; c < m; c++) {
            double s = Math.abs(check[c] - rhs[c]);
            if (!(s <= worst)) {
                worst = s;
            }
        }
        System.arraycopy(l, 0, lambda, system.s0, m);
        system.pushOutside(z, lambda);
        return worst;
    }

    /**
     * Solves the block's tangent equations {@code J_B zdot_B = (df_B/dz_outside) zdot_outside} with
     * the same factors: the implicit function theorem forward, for second-order sweeps.
     *
     * @param z Not modified: the solution.
     * @param zdot Modified: on entry the tangents of the nodes before the block; on exit the block's
     *     entries hold zdot_B.
     * @return {@code ||J_B zdot_B - rhs||_inf}
     */
    public double solveTangent(double[] z, double[] zdot) {
        int m = system.m;
        double[] rhs = new double[m];
        system.outsideTangent(z, zdot, rhs);
        double[] t = rhs.clone();
        double[] check = new double[m];
        jacobian.factors.solve(t, check);
        if (jacobian.factors instanceof Gmres krylov && !krylov.lastConverged() && jacobian.factorInstead(z)) {
            System.arraycopy(rhs, 0, t, 0, m);
            jacobian.factors.solve(t, check);
        }
        jacobian.multiply(t, check);
        double worst = 0;
        for (int c = 0; c < m; c++) {
            double s = Math.abs(check[c] - rhs[c]);
            if (!(s <= worst)) {
                worst = s;
            }
        }
        System.arraycopy(t, 0, zdot, system.s0, m);
        return worst;
    }

    /** The block's nodes, {@code [from, to)}. */
    public int from() {
        return system.from;
    }

    /** One past the block's last node. */
    public int to() {
        return system.to;
    }

    /** The number of unknowns in the block. */
    public int size() {
        return system.m;
    }
}
