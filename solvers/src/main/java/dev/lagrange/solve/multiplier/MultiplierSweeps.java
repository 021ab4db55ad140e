package dev.lagrange.solve.multiplier;

import dev.lagrange.program.Program;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;

/**
 * Stationary iterations on the multiplier equations {@code lambda = w + J^T lambda} (w the seed
 * {@code e_n}, J the local Jacobian at the z of the forward pass, Newton on cyclic blocks), from
 * {@code lambda = 0}:
 * <ul>
 *   <li>{@link Order#JACOBI}: {@code lambda^{k+1} = w + J^T lambda^k}. On an acyclic program J is
 *       strictly lower triangular, hence nilpotent: sweep k makes every node within k - 1 edges of the
 *       objective exact, so the adjoints are exact after (longest path to the objective) + 1 sweeps. On
 *       a cyclic block the error contracts like {@code (J_BB^T)^k}: geometrically at the rate of the
 *       spectral radius rho(J_BB) (gamma for a Bellman block {@code V = r + gamma P V}), and not at
 *       all when rho(J_BB) >= 1.</li>
 *   <li>{@link Order#GAUSS_SEIDEL}: the same update in place, last node first, so each
 *       multiplier reads its users' multipliers of this sweep. On an acyclic program this is
 *       back-substitution: one sweep is exact.</li>
 * </ul>
 * Each sweep is O(n + edges). Stops when {@code max|dL/dz| <= tolerance} or after
 * {@code maxIterations} sweeps. Reference: Y. Saad, Iterative Methods for Sparse Linear Systems, 2nd
 * ed., section 4.1.
 */
public final class MultiplierSweeps implements MultiplierSolver {
    /** The sweep order. */
    public enum Order { JACOBI, GAUSS_SEIDEL }

    private final Order order;
    private final SolveOptions options;

    public MultiplierSweeps(Order order, SolveOptions options) {
        this.order = order;
        this.options = options;
    }

    @Override
    public String name() {
        return order == Order.JACOBI ? "jacobi" : "gauss-seidel";
    }

    @Override
    public IterativeResult solveWithHistory(Program program, double[] x) {
        MethodRun run = new MethodRun(program, x);
        SolveResult forward = run.forward();
        if (!forward.isConverged()) {
            return run.failed(forward);
        }
        MethodRun.Linearized at = run.linearize(forward);
        double[] z = at.z();
        double constraints = at.constraints();
        double[] w = at.w();
        LocalJacobian jacobian = at.jacobian();
        double[] lambda = new double[w.length];
        double[] next = new double[w.length];
        MethodRun.Ending end = run.iterate(options.maxIterations(), k -> {
            if (order == Order.JACOBI) {
                for (int j = 0; j < w.length; j++) {
                    next[j] = w[j] + jacobian.transposeRow(j, lambda);
                }
                System.arraycopy(next, 0, lambda, 0, w.length);
            } else {
                for (int j = w.length - 1; j >= 0; j--) {
                    lambda[j] = w[j] + jacobian.transposeRow(j, lambda);
                }
            }
            double r = LocalJacobian.maxAbs(jacobian.stationarity(w, lambda));
            run.record(k, constraints, r, run.objective(z));
            return r > options.tolerance() ? MethodRun.Verdict.CONTINUE : MethodRun.Verdict.STOP;
        });
        return run.finish(name(), z, lambda, end.iterations(), options.tolerance());
    }
}
