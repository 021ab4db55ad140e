package dev.lagrange.examples;

import dev.lagrange.optimize.DescentOptions;
import dev.lagrange.optimize.GradientDescent;
import dev.lagrange.optimize.Goal;
import dev.lagrange.optimize.OptimizeResult;
import dev.lagrange.optimize.ProgramObjective;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Policy optimisation in a finite MDP by gradient ascent on the expected discounted return of a
 * softmax policy, with the gradient from the multipliers of the Bellman block, compared with policy
 * iteration.
 * <pre>
 *   pi_sa = exp(theta_sa) / sum_b exp(theta_sb)
 *   q_sa  = R_as + gamma sum_t P_ast V_t
 *   V_s   = sum_a pi_sa q_sa                 (q and V form one cyclic block, linear in V)
 *   J     = p0 . V                           (maximised over theta)
 * </pre>
 * One solve gives J and dJ/dtheta (the policy gradient theorem, derived here by the implicit
 * function theorem rather than by sampling). A softmax policy is never deterministic, so its values
 * approach the optimal ones from below; the greedy policy {@code argmax_a theta_sa} is compared with
 * policy iteration exactly.
 *
 * <p>Policy iteration: R. Howard, Dynamic Programming and Markov Processes, 1960; the 5x5 gridworld
 * is example 3.5 of Sutton and Barto, Reinforcement Learning, 2nd ed. (optimal V*(A) = 24.4194...).
 */
public final class MdpPolicyOptimisation {
    private final Mdp mdp;
    private final Program program;

    /**
     * A finite MDP.
     *
     * @param transitions P[a][s][t]: the probability of moving from s to t under action a (rows of a
     *     terminal state may be all zero)
     * @param rewards R[a][s]: the expected reward of taking a in s
     * @param gamma the discount, in [0, 1)
     */
    public record Mdp(double[][][] transitions, double[][] rewards, double gamma) {
        public Mdp {
            if (!(gamma >= 0 && gamma < 1)) {
                throw new IllegalArgumentException("gamma must be in [0, 1): " + gamma);
            }
            if (rewards.length != transitions.length) {
                throw new IllegalArgumentException(transitions.length + " actions but " + rewards.length + " reward rows");
            }
        }

        public int states() {
            return transitions[0].length;
        }

        public int actions() {
            return transitions.length;
        }
    }

    /** Builds the program of {@code J(theta)} for the start distribution {@code p0}. */
    public MdpPolicyOptimisation(Mdp mdp, double[] p0) {
        this.mdp = mdp;
        int n = mdp.states();
        int m = mdp.actions();
        var b = Program.builder();
        Var[][] theta = new Var[n][m];
        for (int s = 0; s < n; s++) {
            for (int a = 0; a < m; a++) {
                theta[s][a] = b.input(thetaName(s, a), 0);
            }
        }
        Var[] v = new Var[n];
        for (int s = 0; s < n; s++) {
            v[s] = b.declare("V[" + s + "]");
        }
        for (int s = 0; s < n; s++) {
            Var[] e = new Var[m];
            for (int a = 0; a < m; a++) {
                e[a] = b.exp(theta[s][a]);
            }
            Var z = b.sum(e);
            Var[] terms = new Var[m];
            for (int a = 0; a < m; a++) {
                Var pi = b.let("pi[" + s + "][" + a + "]", b.div(e[a], z));
                List<Var> next = new ArrayList<>();
                List<Double> weights = new ArrayList<>();
                for (int t = 0; t < n; t++) {
                    double p = mdp.transitions()[a][s][t];
                    if (p != 0) {
                        next.add(v[t]);
                        weights.add(mdp.gamma() * p);
                    }
                }
                double[] c = weights.stream().mapToDouble(Double::doubleValue).toArray();
                Var q = b.weightedSum(mdp.rewards()[a][s], c, next.toArray(new Var[0]));
                terms[a] = b.mul(pi, q);
            }
            double[] ones = new double[m + 1];
            Arrays.fill(ones, 1);
            ones[0] = 0;
            b.define("V[" + s + "]", Primitive.WEIGHTED_SUM, ones, terms);
        }
        this.program = b.output(b.let("J", b.weightedSum(0, p0.clone(), v))).build();
    }

    private static String thetaName(int s, int a) {
        return "theta[" + s + "][" + a + "]";
    }

    /** The program; its inputs are theta[s][a], state-major. */
    public Program program() {
        return program;
    }

    /** The values V of the softmax policy with parameters theta (state-major). */
    public double[] values(double[] theta) {
        SolveResult r = new BlockCoordinateSolver().solve(program, theta).orThrow();
        double[] v = new double[mdp.states()];
        for (int s = 0; s < v.length; s++) {
            v[s] = r.value("V[" + s + "]");
        }
        return v;
    }

    /** Maximises J over theta from theta = 0 (the uniform policy) by gradient ascent with backtracking. */
    public OptimizeResult optimise(int maxIterations, double gradientTolerance) {
        DescentOptions options = DescentOptions.defaults().withMaxIterations(maxIterations)
                .withGradientTolerance(gradientTolerance).withHistory(true);
        return new GradientDescent(options).optimize(ProgramObjective.of(program), Goal.MAXIMIZE);
    }

    /** The deterministic policy {@code argmax_a theta_sa} (ties to the first action). */
    public int[] greedy(double[] theta) {
        int[] policy = new int[mdp.states()];
        for (int s = 0; s < policy.length; s++) {
            for (int a = 1; a < mdp.actions(); a++) {
                if (theta[s * mdp.actions() + a] > theta[s * mdp.actions() + policy[s]]) {
                    policy[s] = a;
                }
            }
        }
        return policy;
    }

    /** The values of a deterministic policy: {@code (I - gamma P_pi) V = r_pi}, by a dense EJML solve. */
    public static double[] evaluate(Mdp mdp, int[] policy) {
        int n = mdp.states();
        DMatrixRMaj a = CommonOps_DDRM.identity(n);
        DMatrixRMaj r = new DMatrixRMaj(n, 1);
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < n; t++) {
                a.add(s, t, -mdp.gamma() * mdp.transitions()[policy[s]][s][t]);
            }
            r.set(s, 0, mdp.rewards()[policy[s]][s]);
        }
        DMatrixRMaj v = new DMatrixRMaj(n, 1);
        if (!CommonOps_DDRM.solve(a, r, v)) {
            throw new IllegalStateException("I - gamma P is singular");
        }
        return v.data.clone();
    }

    /** Policy iteration from the first action everywhere: the optimal policy and its values. */
    public static PolicyIteration policyIteration(Mdp mdp) {
        int n = mdp.states();
        int[] policy = new int[n];
        for (int iteration = 1; ; iteration++) {
            double[] v = evaluate(mdp, policy);
            boolean stable = true;
            for (int s = 0; s < n; s++) {
                int best = policy[s];
                double bestQ = q(mdp, v, s, best);
                for (int a = 0; a < mdp.actions(); a++) {
                    double qa = q(mdp, v, s, a);
                    if (qa > bestQ + 1e-12 * Math.max(1, Math.abs(bestQ))) {
                        best = a;
                        bestQ = qa;
                    }
                }
                stable &= best == policy[s];
                policy[s] = best;
            }
            if (stable) {
                return new PolicyIteration(policy, v, iteration);
            }
        }
    }

    private static double q(Mdp mdp, double[] v, int s, int a) {
        double q = mdp.rewards()[a][s];
        for (int t = 0; t < v.length; t++) {
            q += mdp.gamma() * mdp.transitions()[a][s][t] * v[t];
        }
        return q;
    }

    /** The outcome of policy iteration. */
    public record PolicyIteration(int[] policy, double[] values, int iterations) {
    }

    /**
     * Sutton and Barto's 5x5 gridworld (example 3.5): moves north, south, west, east; a move off the
     * grid stays put with reward -1; every move from A = (0,1) lands on A' = (4,1) with +10, from
     * B = (0,3) on B' = (2,3) with +5; gamma = 0.9.
     */
    public static Mdp gridworld() {
        int n = 25;
        int[][] moves = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
        double[][][] p = new double[4][n][n];
        double[][] r = new double[4][n];
        for (int a = 0; a < 4; a++) {
            for (int s = 0; s < n; s++) {
                if (s == 1 || s == 3) {
                    p[a][s][s == 1 ? 21 : 13] = 1;
                    r[a][s] = s == 1 ? 10 : 5;
                    continue;
                }
                int row = s / 5 + moves[a][0];
                int col = s % 5 + moves[a][1];
                boolean off = row < 0 || row > 4 || col < 0 || col > 4;
                p[a][s][off ? s : row * 5 + col] = 1;
                r[a][s] = off ? -1 : 0;
            }
        }
        return new Mdp(p, r, 0.9);
    }

    public static void main(String[] args) {
        Mdp grid = gridworld();
        PolicyIteration pi = policyIteration(grid);
        double[] p0 = new double[25];
        Arrays.fill(p0, 1.0 / 25);
        MdpPolicyOptimisation opt = new MdpPolicyOptimisation(grid, p0);
        long start = System.nanoTime();
        OptimizeResult r = opt.optimise(300, 1e-6);
        double seconds = (System.nanoTime() - start) * 1e-9;
        double[] softmax = opt.values(r.x());
        double[] greedy = evaluate(grid, opt.greedy(r.x()));
        System.out.println("Sutton & Barto's 5x5 gridworld, gamma = 0.9, J = mean_s V(s):");
        System.out.printf(Locale.ROOT, "  policy iteration: %d iterations, V*(A) = %.12f, mean V* = %.9f%n",
                pi.iterations(), pi.values()[1], Arrays.stream(pi.values()).average().orElseThrow());
        System.out.printf(Locale.ROOT, "  softmax gradient ascent: %d iterations, %d solves, %.2f s; "
                + "V(A) = %.9f, mean V = %.9f (%s)%n", r.iterations(), r.evaluations(), seconds, softmax[1],
                Arrays.stream(softmax).average().orElseThrow(), r.status());
        double gap = 0;
        for (int s = 0; s < 25; s++) {
            gap = Math.max(gap, Math.abs(greedy[s] - pi.values()[s]));
        }
        System.out.printf(Locale.ROOT, "  greedy policy of the ascent: max |V - V*| = %.3e%n", gap);
    }
}
