package dev.lagrange.examples;

import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Policy evaluation of a Markov decision process as a cyclic constraint program: for a fixed policy
 * with state-transition matrix P and expected rewards r,
 * <pre>
 *   V_s = r_s + gamma sum_t P_st V_t        (one cyclic block: Newton, here one step since it is linear)
 *   J   = p0 . V                           (the objective: expected discounted return from p0)
 * </pre>
 * The multipliers of the Bellman constraints solve {@code (I - gamma P)^T lambda = p0}: lambda is the
 * discounted state-occupancy measure of p0, and it is the whole gradient story:
 * <pre>
 *   dJ/dr_s     = lambda_s                      (the occupancy measure)
 *   dJ/dgamma   = lambda^T P V
 *   dJ/dP_st    = gamma lambda_s V_t
 * </pre>
 * Rewards, gamma and the nonzero transition probabilities are the program's inputs, so one solve
 * returns all of them. Cost: one dense LU of the block (states plus one product per nonzero P_st),
 * O((S + nnz)^3) here; fine for gridworlds.
 *
 * <p>Reference: R. Sutton and A. Barto, Reinforcement Learning, 2nd ed., sections 3.5 and 4.1
 * (the gridworlds of examples 3.5 and 4.1 are the known answers in the tests).
 */
public final class MdpPolicyEvaluation {
    private final double[][] transitions;
    private final double[] initial;
    private final Program program;
    private final List<int[]> edges = new ArrayList<>();

    /**
     * @param transitions Not modified: P, S x S, rows summing to 1 (or 0 for a terminal state)
     * @param initial Not modified: p0, the initial-state distribution
     */
    public MdpPolicyEvaluation(double[][] transitions, double[] initial) {
        int n = transitions.length;
        if (initial.length != n) {
            throw new IllegalArgumentException(n + " states but " + initial.length + " initial probabilities");
        }
        this.transitions = transitions;
        this.initial = initial;
        var b = Program.builder();
        Var[] r = new Var[n];
        for (int s = 0; s < n; s++) {
            r[s] = b.input("r" + s, 0);
        }
        Var gamma = b.input("gamma", 0.9);
        Var[] v = new Var[n];
        for (int s = 0; s < n; s++) {
            v[s] = b.declare("V" + s);
        }
        for (int s = 0; s < n; s++) {
            if (transitions[s].length != n) {
                throw new IllegalArgumentException("row " + s + " of P has " + transitions[s].length + " entries, not " + n);
            }
            List<Var> next = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                if (transitions[s][t] != 0) {
                    Var p = b.input("P" + s + "_" + t, transitions[s][t]);
                    edges.add(new int[] {s, t});
                    next.add(b.mul(p, v[t]));
                }
            }
            Var expected = b.sum(next.toArray(new Var[0]));
            b.define(v[s], b.add(r[s], b.mul(gamma, expected)));
        }
        Var objective = b.let("J", b.weightedSum(0, initial.clone(), v));
        this.program = b.output(objective).build();
    }

    /** The constraint program: inputs r0..r{S-1}, gamma, then P{s}_{t} for each nonzero entry. */
    public Program program() {
        return program;
    }

    /** Values, occupancy and the three gradients, with the solve they came from. */
    public record Evaluation(double[] values, double[] occupancy, double dJdgamma, double[][] dJdP, double objective,
            SolveResult solve) {
    }

    /**
     * Evaluates the policy; failures come back as the solve's status ({@link SolveResult#orThrow()}
     * turns them into an exception).
     *
     * @param rewards Not modified: r, the expected one-step reward of each state
     */
    public Evaluation evaluate(double[] rewards, double gamma) {
        int n = transitions.length;
        double[] x = program.inputDefaults();
        System.arraycopy(rewards, 0, x, 0, n);
        x[n] = gamma;
        SolveResult result = new BlockCoordinateSolver().solve(program, x).orThrow();
        double[] values = new double[n];
        double[] occupancy = new double[n];
        for (int s = 0; s < n; s++) {
            values[s] = result.value("V" + s);
            occupancy[s] = result.gradient("r" + s);
        }
        double[][] dJdP = new double[n][n];
        for (int[] e : edges) {
            dJdP[e[0]][e[1]] = result.gradient("P" + e[0] + "_" + e[1]);
        }
        return new Evaluation(values, occupancy, result.gradient("gamma"), dJdP, result.objectiveValue(), result);
    }

    /**
     * The equiprobable random policy on a {@code rows x cols} grid: four moves, a move off the grid
     * stays put. {@code jumps[k] = {from, to, reward}} sends every move from cell {@code from} to
     * {@code to} with that reward; {@code terminal} cells have no successors.
     *
     * @return {P, r}: the transition matrix and the expected rewards with {@code stepReward} per
     *     move and {@code offGridReward} added for a move off the grid
     */
    public static double[][][] gridworld(int rows, int cols, double stepReward, double offGridReward, int[] terminal,
            double[][] jumps) {
        int n = rows * cols;
        double[][] p = new double[n][n];
        double[][] r = new double[1][n];
        int[][] moves = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
        for (int s = 0; s < n; s++) {
            if (contains(terminal, s)) {
                continue;
            }
            double[] jump = null;
            for (double[] j : jumps) {
                if ((int) j[0] == s) {
                    jump = j;
                }
            }
            if (jump != null) {
                p[s][(int) jump[1]] = 1;
                r[0][s] = jump[2];
                continue;
            }
            for (int[] m : moves) {
                int row = s / cols + m[0];
                int col = s % cols + m[1];
                boolean off = row < 0 || row >= rows || col < 0 || col >= cols;
                p[s][off ? s : row * cols + col] += 0.25;
                r[0][s] += 0.25 * (stepReward + (off ? offGridReward : 0));
            }
        }
        return new double[][][] {p, r};
    }

    private static boolean contains(int[] a, int v) {
        for (int e : a) {
            if (e == v) {
                return true;
            }
        }
        return false;
    }

    public static void main(String[] args) {
        double[][] p = {{0.5, 0.5}, {0.25, 0.75}};
        MdpPolicyEvaluation mdp = new MdpPolicyEvaluation(p, new double[] {1, 0});
        Evaluation e = mdp.evaluate(new double[] {1, 0}, 0.9);
        System.out.println("Two-state chain, P = [[1/2, 1/2], [1/4, 3/4]], r = (1, 0), gamma = 9/10, p0 = (1, 0)");
        System.out.printf(Locale.ROOT, "  V          = (%.12f, %.12f)   exact (130/31, 90/31)%n", e.values()[0], e.values()[1]);
        System.out.printf(Locale.ROOT, "  dJ/dr      = (%.12f, %.12f)   occupancy (130/31, 180/31)%n",
                e.occupancy()[0], e.occupancy()[1]);
        System.out.printf(Locale.ROOT, "  dJ/dgamma  = %.12f             exact 32300/961 = %.12f%n", e.dJdgamma(), 32300.0 / 961);
        System.out.printf(Locale.ROOT, "  dJ/dP      = [[%.6f, %.6f], [%.6f, %.6f]]   (gamma lambda_s V_t)%n",
                e.dJdP()[0][0], e.dJdP()[0][1], e.dJdP()[1][0], e.dJdP()[1][1]);

        double[][][] grid = gridworld(4, 4, -1, 0, new int[] {0, 15}, new double[0][]);
        double[] uniform = new double[16];
        java.util.Arrays.fill(uniform, 1.0 / 16);
        Evaluation g = new MdpPolicyEvaluation(grid[0], uniform).evaluate(grid[1][0], 1);
        System.out.println("Sutton & Barto's 4x4 gridworld (example 4.1), equiprobable policy, gamma = 1:");
        for (int row = 0; row < 4; row++) {
            StringBuilder line = new StringBuilder("  ");
            for (int col = 0; col < 4; col++) {
                line.append(String.format(Locale.ROOT, "%8.3f", g.values()[row * 4 + col]));
            }
            System.out.println(line);
        }
    }
}
