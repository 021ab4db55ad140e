package dev.lagrange.solve;

import dev.lagrange.program.Condensation;
import dev.lagrange.program.Program;
import dev.lagrange.program.SecondOrder;
import dev.lagrange.program.Sweeps;
import dev.lagrange.solve.newton.BlockFactors;
import dev.lagrange.sparsity.HessianPattern;
import dev.lagrange.sparsity.SparseHessian;
import dev.lagrange.sparsity.StarColouring;

/**
 * Second derivatives of the objective of a program with cyclic blocks, by second-order implicit
 * differentiation at a solution. Differentiating the block equations {@code g(z, x) = z - f(z, x) = 0}
 * and the multiplier equations {@code J^T lambda = e_n} along a direction v gives, per segment in
 * order and then in reverse order,
 * <pre>
 *   J_B zdot_B       = (df_B/dz_outside) zdot_outside                          (tangents)
 *   J_B^T lambdadot_B = rhs_B + sum_{i in B} lambda_i (d^2 f_i)[zdot]           (second-order adjoints)
 * </pre>
 * where rhs_B is what later nodes pushed back, exactly as for the first-order multipliers; on the
 * acyclic segments both are the substitution sweeps of {@link SecondOrder}. Then {@code H v =
 * lambdadot} at the inputs. Each cyclic block's two systems are solved with the factors of its
 * Jacobian that Newton's method left at the solution ({@link BlockFactors}): no new factorisation,
 * O(m^2) per dense block per product, O(n + edges) for the rest.
 *
 * <p>Built once per point ({@link #at}); products are then cheap, and thread-safe (each allocates
 * its own arrays of the slot count). Every product records the worst residual of its block solves
 * ({@link #lastResidual}). Reference: Griewank and Walther,
 * <i>Evaluating Derivatives</i>, 2nd ed., SIAM 2008, chapter 15 (implicit and iterative
 * differentiation).
 */
public final class ImplicitHessian {
    private final Program program;
    private final SolveResult solution;
    private final BlockFactors[] factors;
    private final double[] z;
    private final double[] lambda;
    private volatile double lastResidual;

    private ImplicitHessian(Program program, SolveResult solution, BlockFactors[] factors) {
        this.program = program;
        this.solution = solution;
        this.factors = factors;
        this.z = solution.z();
        this.lambda = solution.lambda();
    }

    /**
     * Solves the program at x with the default solver and keeps what the products need.
     *
     * @throws SolveException when the solve does not converge (its message names the block)
     */
    public static ImplicitHessian at(Program program, double[] x) {
        return at(program, x, new BlockCoordinateSolver());
    }

    /** As {@link #at(Program, double[])}, with {@code solver}'s options. */
    public static ImplicitHessian at(Program program, double[] x, BlockCoordinateSolver solver) {
        BlockCoordinateSolver.Factored f = solver.solveFactored(program, x);
        f.result().orThrow();
        return new ImplicitHessian(program, f.result(), f.factors());
    }

    /** The solution the products are taken at: values, multipliers and gradient. */
    public SolveResult solution() {
        return solution;
    }

    /**
     * The Hessian of the objective times v.
     *
     * @param v Not modified: one entry per input.
     */
    public double[] hessianTimes(double[] v) {
        return product(v, lambda);
    }

    /**
     * {@code sum_k w_k (d^2 y_k / dx^2) v} for the outputs y_k: the first-order multipliers are solved
     * again from the seed w with the same factors.
     *
     * @param v Not modified: one entry per input.
     * @param w Not modified: one weight per output.
     */
    public double[] hessianTimes(double[] v, double[] w) {
        if (w.length != program.outputCount()) {
            throw new IllegalArgumentException("expected a weight for each of the " + program.outputCount()
                    + " outputs, got " + w.length);
        }
        double[] l = new double[program.slotCount()];
        for (int k = 0; k < w.length; k++) {
            l[program.slot(program.output(k))] += w[k];
        }
        BlockCoordinateSolver.multipliers(program, factors, z, l);
        return product(v, l);
    }

    private double[] product(double[] v, double[] l) {
        Program p = program;
        int d = p.inputCount();
        if (v.length != d) {
            throw new IllegalArgumentException("expected a direction of " + d + " entries, got " + v.length);
        }
        Condensation segments = p.blocks();
        int count = segments.segmentCount();
        double[] zdot = new double[p.slotCount()];
        double worst = 0;
        for (int k = 0; k < count; k++) {
            int from = segments.segmentStart(k);
            int to = segments.segmentEnd(k);
            if (factors[k] == null) {
                Sweeps.tangent(p, z, v, zdot, from, to);
            } else {
                worst = Math.max(worst, factors[k].solveTangent(z, zdot));
            }
        }
        double[] lambdaDot = new double[p.slotCount()];
        for (int k = count - 1; k >= 0; k--) {
            int from = segments.segmentStart(k);
            int to = segments.segmentEnd(k);
            if (factors[k] == null) {
                SecondOrder.reverse(p, z, zdot, l, lambdaDot, from, to);
                continue;
            }
            for (int i = to - 1; i >= from; i--) {
                SecondOrder.addSecondOrderTerm(p, i, z, zdot, l, lambdaDot);
            }
            worst = Math.max(worst, factors[k].solveMultipliers(z, lambdaDot));
        }
        lastResidual = worst;
        double[] hv = new double[d];
        for (int k = 0; k < d; k++) {
            hv[k] = lambdaDot[p.inputSlot(k)];
        }
        return hv;
    }

    /** The dense Hessian of the objective, one product per input; symmetric up to rounding. */
    public double[][] hessian() {
        int d = program.inputCount();
        double[][] h = new double[d][];
        double[] e = new double[d];
        for (int k = 0; k < d; k++) {
            e[k] = 1;
            h[k] = hessianTimes(e);
            e[k] = 0;
        }
        return h;
    }

    /**
     * The Hessian as a sparse matrix: its pattern from the graph ({@link HessianPattern}; a cyclic
     * block makes all it depends on interact), a star colouring, one product per colour.
     */
    public SparseHessian sparseHessian() {
        return StarColouring.of(HessianPattern.of(program)).recover(this::hessianTimes);
    }

    /**
     * The worst max-norm residual of the block solves of the last product ({@code ||J zdot_B - rhs||}
     * and {@code ||J^T lambdadot_B - rhs||}); 0 for a program without cyclic blocks.
     */
    public double lastResidual() {
        return lastResidual;
    }
}
