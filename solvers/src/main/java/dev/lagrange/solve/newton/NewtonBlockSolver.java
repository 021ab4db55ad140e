package dev.lagrange.solve.newton;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import dev.lagrange.solve.BlockReport;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.SolveStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Newton's method on one cyclic block {@code g(z_B) = z_B - f_B(z) = 0}, the values of earlier nodes
 * fixed, from the program's {@code init} values:
 * <pre>
 *   J(z_k) dz = -g(z_k),   z_{k+1} = z_k + t dz,
 * </pre>
 * with the analytic block Jacobian from the primitives' partials, LU factors (EJML: dense up to
 * {@link NewtonOptions#denseLimit()} unknowns, sparse with a reverse Cuthill-McKee order up to
 * {@link NewtonOptions#krylovAbove()}; above that no factors, but Jacobi-preconditioned GMRES), and a
 * backtracking line search on {@code phi = ||g||_2^2 / 2} (Armijo; Nocedal and Wright, Numerical
 * Optimization, section 11.5) that falls back to a steepest-descent step {@code -J^T g} when no
 * Newton step length decreases phi. The pattern's structural rank is checked before the first
 * factorization; a 1-norm condition estimate guards every one. The factors of the last iterate are
 * returned for the multiplier solve.
 *
 * <p>Converges when {@code ||g||_inf <= tolerance}; up to {@link NewtonOptions#polishSteps()} more
 * steps then take the residual to rounding level. Each iteration costs one Jacobian (O(block
 * arguments)), one LU (O(m^3) dense) and a few residuals. Failures are outcomes: SINGULAR (structurally,
 * naming the unknowns no matching reaches, or numerically, naming the unknowns in the Jacobian's
 * numerical null space), NOT_CONVERGED (iterations and residuals), NON_FINITE (the first node whose
 * residual or partial is not finite).
 */
public final class NewtonBlockSolver {
    private static final double EPS = Math.ulp(1.0);
    /**
     * The relative Krylov tolerance of a polishing step: the residual is below tolerance already and
     * each step need only shrink it by this factor (several steps remain if it does not suffice).
     */
    private static final double POLISH_FORCING = 1e-4;

    private final SolveOptions options;
    private final NewtonOptions newton;

    public NewtonBlockSolver(SolveOptions options, NewtonOptions newton) {
        this.options = options;
        this.newton = newton;
    }

    /**
     * What became of one block: its status, a message naming variables when it failed, its report,
     * and its factors when it converged (null otherwise).
     */
    public record Outcome(SolveStatus status, String message, BlockReport report, BlockFactors factors) {
        public boolean isConverged() {
            return status == SolveStatus.CONVERGED;
        }
    }

    /**
     * Solves block {@code [from, to)} of {@code program}.
     *
     * @param x Not modified.
     * @param z Modified: the block's entries, from the init values to the solution (or to the last
     *     iterate when it fails); the entries of earlier nodes must already hold their values.
     */
    public Outcome solve(Program program, double[] x, double[] z, int from, int to) {
        BlockSystem block = new BlockSystem(program, from, to);
        int m = block.m;
        List<String> variables = BlockReport.variablesOf(program, from, to);
        String name = "block {" + String.join(", ", variables) + "}";
        List<Double> history = new ArrayList<>();

        int[][] pattern = block.pattern();
        StructuralRank structure = new StructuralRank(m, m, pattern[0], pattern[1]);
        if (!structure.isPerfect()) {
            List<String> undetermined = labels(block, structure.underdeterminedColumns());
            return failure(SolveStatus.SINGULAR, name + " is structurally singular: its " + m
                    + " equations cannot determine " + String.join(", ", undetermined)
                    + " for any values (structural rank " + structure.rank() + " of " + m
                    + ": no matching pairs every unknown with an equation)", variables, 0, Double.NaN,
                    Double.POSITIVE_INFINITY, history);
        }

        for (int i = from; i < to; i++) {
            java.util.Arrays.fill(z, program.slot(i), program.slot(i) + program.width(i), program.initialValue(i));
        }
        double[] g = new double[m];
        double[] dz = new double[m];
        double[] work = new double[m];
        double[] start = new double[m];
        Linearization jac = Linearization.of(block, newton);
        int polished = 0;
        // A linear block has one Jacobian: it is assembled, factored and estimated once.
        boolean linear = block.isLinear();
        double condition = Double.NaN;
        for (int k = 0; ; k++) {
            double phi = block.residual(x, z, g);
            double norm = maxAbs(g);
            if (!Double.isFinite(phi)) {
                int bad = firstNonFinite(g);
                return failure(SolveStatus.NON_FINITE, name + ", iteration " + k + ": the residual of "
                        + describe(program, program.nodeOf(block.s0 + bad), x, z) + (k == 0 ? " at the start values"
                        + " (give the block's variables init values inside the domain)" : ""),
                        variables, k, norm, Double.NaN, history);
            }
            history.add(norm);
            boolean fresh = !linear || jac.factors == null;
            int badPartial = fresh ? jac.factor(z) : -1;
            if (badPartial >= 0) {
                return failure(SolveStatus.NON_FINITE, name + ", iteration " + k + ": a partial derivative of "
                        + describe(program, badPartial, x, z) + " is not finite", variables, k, norm, Double.NaN,
                        history);
            }
            Factorization lu = jac.factors;
            if (fresh) {
                condition = lu.conditionEstimate();
            }
            // a Krylov path estimates no condition (NaN); its singularity shows as a stalled solve
            boolean estimated = !(lu instanceof Gmres);
            if (estimated && !(condition <= newton.maxCondition())) {
                List<String> undetermined = nullSpace(block, jac.dense(), newton.maxCondition());
                return failure(SolveStatus.SINGULAR, "the Jacobian of " + name + " is singular at iteration " + k
                        + (k == 0 ? " (the start values)" : "") + ": condition estimate "
                        + String.format("%.3g", condition) + " > " + String.format("%.3g", newton.maxCondition())
                        + "; the equations do not determine " + String.join(", ", undetermined)
                        + " (max-norm residual " + norm + ")", variables, k, norm, condition, history,
                        jac.method());
            }
            if (norm <= options.tolerance()) {
                double floor = 16 * EPS * Math.max(1, maxAbsSlice(z, block.s0, m));
                if (norm <= floor || polished >= newton.polishSteps()) {
                    return converged(variables, k, norm, condition, history, jac);
                }
                polished++;
            }
            if (k == options.maxIterations()) {
                return failure(SolveStatus.NOT_CONVERGED, name + ": no convergence in " + k
                        + " Newton iterations; max-norm residual " + norm + " > tolerance " + options.tolerance()
                        + " (last residuals " + tail(history) + ")", variables, k, norm, condition, history,
                        jac.method());
            }
            for (int r = 0; r < m; r++) {
                dz[r] = -g[r];
            }
            if (lu instanceof Gmres krylov && polished > 0) {
                krylov.solve(dz, POLISH_FORCING);
            } else {
                lu.solve(dz, work);
            }
            if (lu instanceof Gmres krylov && !krylov.lastConverged() && polished == 0 && jac.factorInstead(z)) {
                // GMRES stalled: factor this Jacobian after all and take the step from the LU
                lu = jac.factors;
                condition = lu.conditionEstimate();
                if (!(condition <= newton.maxCondition())) {
                    return failure(SolveStatus.SINGULAR, "the Jacobian of " + name + " is singular at iteration "
                            + k + ": GMRES stalled and the sparse LU's condition estimate is "
                            + String.format("%.3g", condition) + "; the equations do not determine "
                            + String.join(", ", nullSpace(block, jac.dense(), newton.maxCondition())), variables, k, norm, condition, history,
                            jac.method());
                }
                for (int r = 0; r < m; r++) {
                    dz[r] = -g[r];
                }
                lu.solve(dz, work);
            }
            System.arraycopy(z, block.s0, start, 0, m);
            if (lineSearch(block, x, z, start, dz, g, phi, 2 * phi)) {
                continue;
            }
            if (polished > 0) {
                // below tolerance and no step improves: this is rounding level for this block
                System.arraycopy(start, 0, z, block.s0, m);
                block.residual(x, z, g);
                return converged(variables, k, norm, condition, history, jac);
            }
            // Steepest descent on phi: direction -J^T g, first trial at the Cauchy point of the
            // Gauss-Newton model, t = ||J^T g||^2 / ||J J^T g||^2.
            double[] descent = new double[m];
            jac.multiplyTransposed(g, descent);
            for (int c = 0; c < m; c++) {
                descent[c] = -descent[c];
            }
            jac.multiply(descent, work);
            double slope = 0;
            double curvature = 0;
            for (int r = 0; r < m; r++) {
                slope += descent[r] * descent[r];
                curvature += work[r] * work[r];
            }
            if (slope > 0 && curvature > 0) {
                double t = slope / curvature;
                for (int r = 0; r < m; r++) {
                    descent[r] *= t;
                }
                if (lineSearch(block, x, z, start, descent, g, phi, 2 * slope * t)) {
                    continue;
                }
            }
            System.arraycopy(start, 0, z, block.s0, m);
            return failure(SolveStatus.NOT_CONVERGED, name + ": stalled at iteration " + k + " with max-norm residual "
                    + norm + ": no Newton or steepest-descent step reduces ||g||, a local minimum of ||g|| that is "
                    + "not a root (the equations may have no real solution near the start values)",
                    variables, k, norm, condition, history, jac.method());
        }
    }

    /**
     * Backtracks from the full step {@code dz} until {@code phi(z + t dz) <= phi - c t decrease}; a
     * trial point whose residual is not finite counts as no decrease.
     *
     * @param decrease {@code -phi'(0)} along dz ({@code 2 phi} for the Newton direction)
     * @return whether a step was taken (z holds the new point); otherwise z is restored
     */
    private boolean lineSearch(BlockSystem block, double[] x, double[] z, double[] start, double[] dz, double[] g,
            double phi, double decrease) {
        // phi here is ||g||^2 (twice the merit function), decrease likewise doubled
        for (double t = 1; t >= newton.minStep(); t *= 0.5) {
            for (int r = 0; r < block.m; r++) {
                z[block.s0 + r] = start[r] + t * dz[r];
            }
            double trial = block.residual(x, z, g);
            if (trial <= phi - newton.armijo() * t * decrease) {
                return true;
            }
        }
        System.arraycopy(start, 0, z, block.s0, block.m);
        return false;
    }

    private Outcome converged(List<String> variables, int k, double norm, double condition, List<Double> history,
            Linearization jac) {
        BlockReport report = new BlockReport(variables, true, jac.method(), k, norm, condition,
                options.recordHistory() ? history : List.of());
        return new Outcome(SolveStatus.CONVERGED, "converged in " + k + " Newton iterations", report,
                new BlockFactors(jac));
    }

    private Outcome failure(SolveStatus status, String message, List<String> variables, int k, double norm,
            double condition, List<Double> history) {
        return failure(status, message, variables, k, norm, condition, history, "newton");
    }

    private static Outcome failure(SolveStatus status, String message, List<String> variables, int k, double norm,
            double condition, List<Double> history, String method) {
        // a failure always carries its history: it is the evidence
        BlockReport report = new BlockReport(variables, true, method, k, norm, condition, history);
        return new Outcome(status, message, report, null);
    }

    /**
     * The unknowns with a visible component in the Jacobian's numerical null space: the right
     * singular vectors whose singular values are below {@code sigma_max / maxCondition} (the smallest
     * one when none is). Named variables when any is involved, else the temporaries' labels.
     */
    private static List<String> nullSpace(BlockSystem block, DMatrixRMaj jac, double maxCondition) {
        int m = block.m;
        if (jac == null) {
            return labels(block, range(m));
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, m, false, true, false);
        if (!svd.decompose(jac.copy())) {
            return labels(block, range(m));
        }
        double[] sigma = svd.getSingularValues();
        DMatrixRMaj v = svd.getV(null, false);
        double largest = 0;
        int smallest = 0;
        for (int c = 0; c < m; c++) {
            largest = Math.max(largest, sigma[c]);
            if (sigma[c] < sigma[smallest]) {
                smallest = c;
            }
        }
        TreeSet<Integer> involved = new TreeSet<>();
        for (int c = 0; c < m; c++) {
            if (c == smallest || !(sigma[c] > largest / maxCondition)) {
                double top = 0;
                for (int r = 0; r < m; r++) {
                    top = Math.max(top, Math.abs(v.get(r, c)));
                }
                for (int r = 0; r < m; r++) {
                    if (Math.abs(v.get(r, c)) >= 0.1 * top) {
                        involved.add(r);
                    }
                }
            }
        }
        int[] rows = involved.stream().mapToInt(Integer::intValue).toArray();
        return labels(block, rows);
    }

    private static int[] range(int m) {
        int[] r = new int[m];
        for (int i = 0; i < m; i++) {
            r[i] = i;
        }
        return r;
    }

    /** The labels of block rows, named variables only when any is named. */
    private static List<String> labels(BlockSystem block, int[] rows) {
        List<String> named = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (int r : rows) {
            all.add(block.label(r));
            if (block.named(r)) {
                named.add(block.label(r));
            }
        }
        return named.isEmpty() ? all : named;
    }

    /** {@code 'name' = f(arg = value, ...) = value} for node i, at z. */
    private static String describe(Program program, int i, double[] x, double[] z) {
        if (program.isVector(i)) {
            StringBuilder s = new StringBuilder("'" + program.label(i) + "' = " + program.symbol(i) + "(");
            int[] a = program.arguments(i);
            for (int k = 0; k < a.length; k++) {
                s.append(k > 0 ? ", " : "").append(program.label(a[k]));
            }
            return s.append(") (" + program.width(i) + " entries)").toString();
        }
        Primitive f = program.primitive(i);
        StringBuilder s = new StringBuilder("'" + program.label(i) + "' = " + f.symbol() + "(");
        int[] a = program.arguments(i);
        for (int k = 0; k < a.length; k++) {
            s.append(k > 0 ? ", " : "").append(program.label(a[k])).append(" = ").append(z[program.slot(a[k])]);
        }
        return s.append(") = ").append(Sweeps.constraintValue(program, i, x, z)).toString();
    }

    private static String tail(List<Double> history) {
        List<String> last = new ArrayList<>();
        for (int k = Math.max(0, history.size() - 3); k < history.size(); k++) {
            last.add(String.format("%.3g", history.get(k)));
        }
        return String.join(", ", last);
    }

    private static double maxAbs(double[] v) {
        double worst = 0;
        for (double e : v) {
            double a = Math.abs(e);
            if (!(a <= worst)) {
                worst = a;
            }
        }
        return worst;
    }

    private static double maxAbsSlice(double[] v, int from, int length) {
        double worst = 0;
        for (int k = from; k < from + length; k++) {
            worst = Math.max(worst, Math.abs(v[k]));
        }
        return worst;
    }

    private static int firstNonFinite(double[] v) {
        for (int k = 0; k < v.length; k++) {
            if (!Double.isFinite(v[k])) {
                return k;
            }
        }
        return -1;
    }
}
