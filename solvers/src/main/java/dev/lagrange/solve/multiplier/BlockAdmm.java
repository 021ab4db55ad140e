package dev.lagrange.solve.multiplier;

import dev.lagrange.lagrangian.Lagrangian;
import dev.lagrange.optimize.Lbfgs;
import dev.lagrange.program.Program;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ADMM over user-chosen blocks of variables (for a network, its layers) on the program's augmented
 * Lagrangian with the inputs fixed, {@code phi(z) = -z_n + lambda.c + (rho/2)||c||^2} with
 * {@code c_i = z_i - f_i(z_alpha(i))}: from the forward pass's z and {@code lambda = 0}, repeat
 * <pre>
 *   for each block B in order:  z_B <- argmin_{z_B} phi(z)  (the other blocks fixed; L-BFGS)
 *   lambda <- lambda + rho c(z)
 * </pre>
 * and stop by Boyd et al.'s rule (section 3.3.1): with the primal residual {@code r = ||c||_2}, the
 * dual residual {@code s = ||dL/dz(z, lambda)||_2} (for two blocks and linear constraints this is
 * their {@code rho A^T B (z^{k+1} - z^k)}, since the last block's stationarity holds exactly),
 * <pre>
 *   r <= sqrt(p) eps_abs + eps_rel max(||z||, ||f(z)||),   s <= sqrt(n) eps_abs + eps_rel ||(I - J)^T lambda||,
 * </pre>
 * p = n = the number of value slots, eps_abs = 1e-4, eps_rel = 1e-2 by default (their reference
 * code's). rho adapts by {@link ResidualBalancing}; lambda is kept unscaled, so a change of rho needs no
 * rescaling. Nodes in no block form a last block. Over-relaxation belongs to the two-block form
 * {@code Ax + Bz = c} and is in {@link LassoAdmm}. A block subproblem can be unbounded below for small
 * rho (see {@link AugmentedLagrangian}); then z is restored and rho multiplied by tau^2. One iteration costs one L-BFGS solve per block,
 * O(n + edges) per evaluation. Reference: S. Boyd et al., Distributed Optimization and Statistical
 * Learning via ADMM, 2011.
 */
public final class BlockAdmm implements MultiplierSolver {
    private final List<int[]> blocks;
    private final SolveOptions options;
    private final double rho0;
    private final ResidualBalancing balancing;
    private final double epsAbs;
    private final double epsRel;

    /**
     * @param blocks Not modified: node indices per block, disjoint
     * @param rho0 the starting penalty
     * @param epsAbs Boyd's absolute tolerance
     * @param epsRel Boyd's relative tolerance
     */
    public BlockAdmm(List<int[]> blocks, SolveOptions options, double rho0, ResidualBalancing balancing, double epsAbs,
            double epsRel) {
        if (!(rho0 > 0) || !(epsAbs > 0) || !(epsRel >= 0)) {
            throw new IllegalArgumentException("need rho > 0, eps_abs > 0, eps_rel >= 0: " + rho0 + ", " + epsAbs + ", "
                    + epsRel);
        }
        this.blocks = blocks.stream().map(int[]::clone).toList();
        this.options = options;
        this.rho0 = rho0;
        this.balancing = balancing;
        this.epsAbs = epsAbs;
        this.epsRel = epsRel;
    }

    /** rho = 10, residual balancing mu = 10, tau = 2, eps_abs = 1e-4, eps_rel = 1e-2. */
    public BlockAdmm(List<int[]> blocks, SolveOptions options) {
        this(blocks, options, 10, ResidualBalancing.boyd(), 1e-4, 1e-2);
    }

    @Override
    public String name() {
        return "admm(" + blocks.size() + " blocks; eps " + epsAbs + "/" + epsRel + ")";
    }

    @Override
    public IterativeResult solveWithHistory(Program program, double[] x) {
        int[][] slots = slotsOf(program);
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
            boolean bounded = true;
            for (int[] block : slots) {
                bounded &= minimizeBlock(phi, lbfgs, z, block);
            }
            if (!bounded) {
                phi.backOff(previous, z);
                Lagrangian.Residuals res = lagrangian.residuals(run.x, z, lambda);
                run.record(k, res.constraints(), res.multipliers(), run.objective(z));
                return MethodRun.Verdict.CONTINUE;
            }
            double[] c = phi.multiplierStep(z);
            Lagrangian.Gradient grad = lagrangian.gradient(run.x, z, lambda);
            double r = LocalJacobian.norm2(c);
            double s = LocalJacobian.norm2(grad.z());
            double[] f = new double[n];
            double[] atLambda = new double[n];
            for (int j = 0; j < n; j++) {
                f[j] = z[j] - c[j];
                // dL/dz = w - (I - J)^T lambda
                atLambda[j] = phi.w[j] - grad.z()[j];
            }
            double epsPri = Math.sqrt(n) * epsAbs + epsRel * Math.max(LocalJacobian.norm2(z), LocalJacobian.norm2(f));
            double epsDual = Math.sqrt(n) * epsAbs + epsRel * LocalJacobian.norm2(atLambda);
            run.record(k, LocalJacobian.maxAbs(c), LocalJacobian.maxAbs(grad.z()), run.objective(z));
            if (r <= epsPri && s <= epsDual) {
                return MethodRun.Verdict.STOP;
            }
            if (Double.isNaN(r) || Double.isNaN(s)) {
                return MethodRun.Verdict.BROKEN;
            }
            phi.balance(r, s);
            return MethodRun.Verdict.CONTINUE;
        });
        return run.finish(name(), z, lambda, end.iterations(), lagrangian.residuals(run.x, z, lambda), end.stopped(),
                "Boyd's rule with eps_abs " + epsAbs + ", eps_rel " + epsRel);
    }

    /**
     * Minimises phi over the slots of one block, the rest of z fixed; false when L-BFGS failed far from
     * a stationary point. @param z Modified on the block.
     */
    private boolean minimizeBlock(PenaltyFunction phi, Lbfgs lbfgs, double[] z, int[] block) {
        double[] v = new double[block.length];
        for (int k = 0; k < block.length; k++) {
            v[k] = z[block[k]];
        }
        double[] full = z.clone();
        double[] g = new double[z.length];
        Lbfgs.Outcome outcome = lbfgs.minimize((u, gu) -> {
            for (int k = 0; k < block.length; k++) {
                full[block[k]] = u[k];
            }
            double value = phi.valueAndGradient(full, g);
            for (int k = 0; k < block.length; k++) {
                gu[k] = g[block[k]];
            }
            return value;
        }, v, 0.1 * epsAbs, 500);
        for (int k = 0; k < block.length; k++) {
            z[block[k]] = v[k];
        }
        return outcome.converged() || outcome.gradientNorm() < 1e3 * epsAbs;
    }

    private int[][] slotsOf(Program program) {
        int[] owner = new int[program.size()];
        Arrays.fill(owner, -1);
        List<int[]> result = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            int[] nodes = blocks.get(b);
            for (int k = 0; k < nodes.length; k++) {
                int i = nodes[k];
                if (i < 0 || i >= program.size()) {
                    throw new IllegalArgumentException("block " + b + " names node " + i + ", but the program has "
                            + program.size() + " nodes");
                }
                if (owner[i] >= 0) {
                    throw new IllegalArgumentException("'" + program.label(i) + "' is in blocks " + owner[i] + " and " + b);
                }
                owner[i] = b;
            }
            result.add(slotsOfNodes(program, java.util.stream.IntStream.of(nodes)));
        }
        int[] rest = slotsOfNodes(program, java.util.stream.IntStream.range(0, program.size()).filter(i -> owner[i] < 0));
        if (rest.length > 0) {
            result.add(rest);
        }
        return result.toArray(new int[0][]);
    }

    /** Every value slot of the given nodes: a vector node contributes its whole range. */
    private static int[] slotsOfNodes(Program program, java.util.stream.IntStream nodes) {
        return nodes.flatMap(i -> java.util.stream.IntStream.range(program.slot(i), program.slot(i) + program.width(i)))
                .toArray();
    }
}
