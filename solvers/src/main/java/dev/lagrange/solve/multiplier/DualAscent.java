package dev.lagrange.solve.multiplier;

import dev.lagrange.program.Program;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;

/**
 * Dual ascent with the z-step held by the forward pass: z is feasible (the forward pass, Newton on
 * cyclic blocks) and stays fixed, and lambda moves along the Lagrangian's z-gradient, which is the
 * multiplier equations' residual
 * <pre>
 *   r(lambda) = dL/dz = w - (I - J)^T lambda,
 * </pre>
 * from {@code lambda = 0}. What is ascended: on the feasible z of the forward pass dL/dlambda = -c = 0,
 * so L itself gives lambda no direction; the step climbs instead the concave quadratic
 * {@code -phi(lambda) = -||r(lambda)||^2 / 2}, whose maximum (value 0) is the backprop solution. Two step
 * rules:
 * <ul>
 *   <li>{@link Step#FIXED}: {@code lambda <- lambda + alpha r} (Richardson's iteration, O(n + edges) per
 *       step). Its error contracts by {@code (1 - alpha) I + alpha J^T}: on an acyclic program the
 *       spectral radius is |1 - alpha|, so any alpha in (0, 2) converges and alpha = 1 is Jacobi; on a
 *       block with spectral radius rho(J_BB) the rate is about max |1 - alpha (1 - mu)| over the
 *       eigenvalues mu of J_BB. This is the gradient direction of phi only where (I - J) is symmetric.</li>
 *   <li>{@link Step#STEEPEST}: steepest ascent on {@code -phi}: {@code d = (I - J) r}, step
 *       {@code t = <r, A^T d> / ||A^T d||^2} with {@code A = I - J} (the exact line search on the
 *       quadratic), two products with J per step. Converges for every nonsingular A, slowly when A is
 *       ill-conditioned (rate {@code 1 - 1/cond(A)^2} in the worst case).</li>
 * </ul>
 * Stops when {@code max|r| <= tolerance} or after {@code maxIterations} steps. Reference: D. Bertsekas,
 * Nonlinear Programming, 3rd ed., section 6.3 (dual ascent); Saad, Iterative Methods for Sparse
 * Linear Systems, section 5.3 (steepest descent on the normal equations).
 */
public final class DualAscent implements MultiplierSolver {
    /** The step rule. */
    public enum Step { FIXED, STEEPEST }

    private final Step step;
    private final double alpha;
    private final SolveOptions options;

    /**
     * @param alpha the fixed step (used by {@link Step#FIXED} only), in (0, 2) for acyclic programs
     */
    public DualAscent(Step step, double alpha, SolveOptions options) {
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("the step alpha must be positive: " + alpha);
        }
        this.step = step;
        this.alpha = alpha;
        this.options = options;
    }

    @Override
    public String name() {
        return step == Step.FIXED ? "dual-ascent(alpha=" + alpha + ")" : "dual-ascent(steepest)";
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
        int n = w.length;
        double[] lambda = new double[n];
        double[] r = jacobian.stationarity(w, lambda);
        if (!(LocalJacobian.maxAbs(r) > options.tolerance())) {
            return run.finish(name(), z, lambda, 0, options.tolerance()); // lambda = 0 already solves them
        }
        MethodRun.Ending end = run.iterate(options.maxIterations(), k -> {
            if (step == Step.FIXED) {
                for (int j = 0; j < n; j++) {
                    lambda[j] += alpha * r[j];
                }
            } else {
                double[] d = r.clone();
                double[] jr = new double[n];
                jacobian.addTimes(r, jr);
                for (int i = 0; i < n; i++) {
                    d[i] -= jr[i];
                }
                double[] atd = d.clone();
                double[] jtd = new double[n];
                jacobian.addTransposeTimes(d, jtd);
                double num = 0;
                double den = 0;
                for (int j = 0; j < n; j++) {
                    atd[j] -= jtd[j];
                    num += r[j] * atd[j];
                    den += atd[j] * atd[j];
                }
                double t = den > 0 ? num / den : 0;
                for (int j = 0; j < n; j++) {
                    lambda[j] += t * d[j];
                }
            }
            System.arraycopy(jacobian.stationarity(w, lambda), 0, r, 0, n);
            double residual = LocalJacobian.maxAbs(r);
            run.record(k, constraints, residual, run.objective(z));
            return Double.isNaN(residual) ? MethodRun.Verdict.BROKEN
                    : residual > options.tolerance() ? MethodRun.Verdict.CONTINUE : MethodRun.Verdict.STOP;
        });
        return run.finish(name(), z, lambda, end.iterations(), options.tolerance());
    }
}
