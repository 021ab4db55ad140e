package dev.lagrange.solve.multiplier;

import dev.lagrange.lagrangian.Lagrangian;
import dev.lagrange.optimize.Lbfgs;
import dev.lagrange.program.Program;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;

/**
 * The method of multipliers on the program with its inputs fixed: from the feasible z of the forward
 * pass and {@code lambda = 0}, repeat
 * <pre>
 *   z      <- argmin_z  -z_n + sum_i lambda_i c_i(z) + (rho/2) sum_i c_i(z)^2     (L-BFGS from the last z)
 *   lambda <- lambda + rho c(z)
 *   rho    <- residual balancing of r = ||c||_2 against s = rho ||z - z_prev||_2 (mu = 10, tau = 2)
 * </pre>
 * with {@code c_i = z_i - f_i(z_alpha(i))}, the inputs' {@code c = z - x} included. The multipliers
 * need not start at (or pass through) the values backprop gives them, yet they converge to the same
 * adjoints, and those of the inputs to the gradient. On a linear program one outer iteration is exact
 * (the subproblem's stationarity is the multiplier equations at lambda + rho c). Each outer iteration
 * costs one L-BFGS solve, O(n + edges) per evaluation. Stops when both Lagrangian residuals are at most
 * the tolerance; the subproblem is solved to a tenth of it. The subproblem is nonconvex in general
 * (its Hessian is {@code rho (I - J)^T (I - J) - sum_i mu_i f_i''}), so this finds the local minimiser
 * near the last z, which exists only for rho large enough: when L-BFGS fails (the subproblem runs off
 * along negative curvature), z is restored and rho multiplied by tau^2, as an iteration of its own. Reference: M. Hestenes (1969), M. Powell
 * (1969); Nocedal and Wright, Numerical Optimization, algorithm 17.4; Boyd et al. 2011, section 3.4.1.
 */
public final class AugmentedLagrangian implements MultiplierSolver {
    private final SolveOptions options;
    private final double rho0;
    private final ResidualBalancing balancing;

    /**
     * @param rho0 the starting penalty, positive
     */
    public AugmentedLagrangian(SolveOptions options, double rho0, ResidualBalancing balancing) {
        if (!(rho0 > 0)) {
            throw new IllegalArgumentException("rho must be positive: " + rho0);
        }
        this.options = options;
        this.rho0 = rho0;
        this.balancing = balancing;
    }

    /** rho = 10, mu = 10, tau = 2. */
    public AugmentedLagrangian(SolveOptions options) {
        this(options, 10, ResidualBalancing.boyd());
    }

    @Override
    public String name() {
        return "augmented-lagrangian";
    }

    @Override
    public IterativeResult solveWithHistory(Program program, double[] x) {
        MethodRun run = new MethodRun(program, x);
        SolveResult forward = run.forward();
        if (!forward.isConverged()) {
            return run.failed(forward);
        }
        double[] z = forward.z().clone();
        int n = z.length;
        Lagrangian lagrangian = Lagrangian.of(program);
        PenaltyFunction phi = run.penalty(rho0, balancing);
        double[] lambda = phi.lambda;
        Lbfgs lbfgs = new Lbfgs(10);
        MethodRun.Ending end = run.iterate(options.maxIterations(), k -> {
            double[] previous = z.clone();
            Lbfgs.Outcome inner = lbfgs.minimize(phi::valueAndGradient, z, 0.1 * options.tolerance(), 2000);
            double rho = phi.rho;
            if (!inner.converged() && !(inner.gradientNorm() < 1e3 * options.tolerance())) {
                phi.backOff(previous, z);
                Lagrangian.Residuals res = lagrangian.residuals(run.x, z, lambda);
                run.record(k, res.constraints(), res.multipliers(), run.objective(z));
                return MethodRun.Verdict.CONTINUE;
            }
            double[] c = phi.multiplierStep(z);
            Lagrangian.Residuals res = lagrangian.residuals(run.x, z, lambda);
            run.record(k, res.constraints(), res.multipliers(), run.objective(z));
            if (!(res.max() > options.tolerance())) {
                return MethodRun.Verdict.STOP;
            }
            double dz = 0;
            for (int j = 0; j < n; j++) {
                dz += (z[j] - previous[j]) * (z[j] - previous[j]);
            }
            phi.balance(LocalJacobian.norm2(c), rho * Math.sqrt(dz));
            return MethodRun.Verdict.CONTINUE;
        });
        return run.finish(name(), z, lambda, end.iterations(), options.tolerance());
    }
}
