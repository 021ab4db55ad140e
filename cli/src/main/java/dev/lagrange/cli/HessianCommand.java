package dev.lagrange.cli;

import dev.lagrange.program.Program;
import dev.lagrange.program.SecondOrder;
import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.ImplicitHessian;
import dev.lagrange.solve.SolveException;
import dev.lagrange.solve.substitution.BackSubstitution;
import dev.lagrange.sparsity.SparseHessian;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lagrange hessian FILE}: the Hessian of the objective with respect to the inputs at their
 * values, by second-order adjoints ({@link SecondOrder}; through cyclic blocks, at their solution, by
 * second-order implicit differentiation, {@link ImplicitHessian}), its eigenvalues (EJML's symmetric
 * eigendecomposition of {@code (H + H^T) / 2}) and what they say of the point: a strict local
 * minimum or maximum of the objective over the inputs when all are of one sign, a saddle when signs
 * differ, inconclusive when one is zero (below {@code 1e-12 max |eigenvalue|}); a minimum or maximum
 * only where the gradient vanishes too (max |gradient| <= 1e-8), else the curvature alone. Vector nodes
 * without a second-order rule (softmax, logsumexp, cross-entropy, sparse products) and blocks that do
 * not converge end with exit status 3 and a message naming them. A node at a kink (abs or relu at
 * 0, a tie of max or min) is named in a warning on standard error, with the one-sided values used.
 */
@Command(name = "hessian", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Prints the Hessian of the objective with respect to the inputs, its eigenvalues and whether "
                + "the inputs are at a minimum, a maximum or a saddle of it.")
final class HessianCommand extends ProgramCommand {
    @Option(names = "--json", description = "Prints one JSON object instead of a table.")
    boolean json;

    @Option(names = "--sparse", description = "Finds the Hessian's sparsity from the graph, colours it (star "
            + "colouring) and prints the lower triangle's nonzeros as (row, column, value) triplets, with the number "
            + "of Hessian-vector products used.")
    boolean sparse;

    /** Above this many inputs {@code --sparse} skips the dense eigendecomposition. */
    static final int EIGEN_LIMIT = 2000;

    @Override
    public Integer call() {
        ProgramOptions.Loaded loaded = options.load(main, true);
        Program p = loaded.program();
        double[] x = loaded.inputs();
        double[][] h = null;
        SparseHessian triplets = null;
        double gradient;
        List<String> kinks;
        try {
            if (p.isAcyclic()) {
                double[] z = new double[p.slotCount()];
                dev.lagrange.program.Sweeps.forward(p, x, z);
                kinks = SecondOrder.kinks(p, z);
                if (sparse) {
                    triplets = SparseHessian.of(p, x);
                } else {
                    h = SecondOrder.of(p).hessian(x);
                }
                gradient = maxAbsGradient(p, x);
            } else {
                ImplicitHessian implicit = ImplicitHessian.at(p, x, (BlockCoordinateSolver) SolveCommand.solver());
                kinks = SecondOrder.kinks(p, implicit.solution().z());
                if (sparse) {
                    triplets = implicit.sparseHessian();
                } else {
                    h = implicit.hessian();
                }
                gradient = maxAbs(implicit.solution().gradient());
            }
        } catch (UnsupportedOperationException e) {
            throw new Failure(Main.EXIT_NUMERICAL, loaded.file() + ": error: not supported: " + e.getMessage());
        } catch (SolveException e) {
            throw new Failure(Main.EXIT_NUMERICAL, SolveCommand.failureMessage(loaded.file(), e.result()));
        }
        for (String kink : kinks) {
            main.err.println(loaded.file() + ": warning: at a kink, " + kink);
        }
        main.err.flush();
        int d = p.inputCount();
        if (triplets != null) {
            for (int k = 0; k < triplets.entryCount(); k++) {
                requireFinite(loaded, p, triplets.rows()[k], triplets.columns()[k], triplets.values()[k]);
            }
            h = d <= EIGEN_LIMIT ? triplets.toDense() : null;
        } else {
            for (int r = 0; r < d; r++) {
                for (int c = 0; c < d; c++) {
                    requireFinite(loaded, p, r, c, h[r][c]);
                }
            }
        }
        double[] eigenvalues = h == null ? null : eigenvalues(h);
        String verdict = eigenvalues == null ? "not classified (more than " + EIGEN_LIMIT + " inputs)"
                : classify(eigenvalues);
        if (!(gradient <= 1e-8)) {
            verdict = "not a stationary point (max |gradient| = " + gradient + "); the curvature there: " + verdict;
        } else if (verdict.startsWith("minimum") || verdict.startsWith("maximum")) {
            verdict = "strict local " + verdict; // zero gradient, definite Hessian: the second-order test
        }
        List<String> inputs = new ArrayList<>();
        for (int k = 0; k < d; k++) {
            inputs.add(p.inputLabel(k));
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("objective", p.label(p.objective()));
            o.put("inputs", inputs);
            if (triplets != null) {
                List<Object> entries = new ArrayList<>();
                for (int k = 0; k < triplets.entryCount(); k++) {
                    entries.add(List.of(inputs.get(triplets.rows()[k]), inputs.get(triplets.columns()[k]),
                            triplets.values()[k]));
                }
                o.put("entries", entries);
                o.put("nonzeros", triplets.entryCount());
                o.put("products", triplets.products());
            } else {
                List<Object> rows = new ArrayList<>();
                for (double[] row : h) {
                    rows.add(toList(row));
                }
                o.put("hessian", rows);
            }
            o.put("eigenvalues", eigenvalues == null ? null : toList(eigenvalues));
            o.put("maxAbsGradient", gradient);
            o.put("point", verdict);
            o.put("warnings", kinks);
            Json.write(o, main.out);
            main.out.println();
            return 0;
        }
        StringBuilder s = new StringBuilder();
        s.append("hessian of ").append(p.label(p.objective())).append(" with respect to the inputs\n\n");
        if (triplets != null) {
            table(s, triplets, inputs);
        } else {
            table(s, h, inputs);
        }
        s.append('\n');
        s.append("eigenvalues  ").append(eigenvalues == null ? "not computed (more than " + EIGEN_LIMIT + " inputs)"
                : d == 0 ? "-" : eigenvalues[0] + " .. " + eigenvalues[d - 1]).append('\n');
        s.append("point        ").append(verdict).append('\n');
        main.out.print(s);
        return 0;
    }

    private static void requireFinite(ProgramOptions.Loaded loaded, Program p, int r, int c, double value) {
        if (!Double.isFinite(value)) {
            throw new Failure(Main.EXIT_NUMERICAL, loaded.file() + ": error: the Hessian entry d2 "
                    + p.label(p.objective()) + " / d" + p.inputLabel(r) + " d" + p.inputLabel(c) + " is " + value);
        }
    }

    /** The dense matrix, a row per input. */
    private static void table(StringBuilder s, double[][] h, List<String> inputs) {
        int width = 6;
        for (String name : inputs) {
            width = Math.max(width, name.length());
        }
        s.append(" ".repeat(width));
        for (String name : inputs) {
            s.append("  ").append(pad(name, 22));
        }
        s.append('\n');
        for (int r = 0; r < h.length; r++) {
            s.append(pad(inputs.get(r), width));
            for (int c = 0; c < h.length; c++) {
                s.append("  ").append(pad(Double.toString(h[r][c]), 22));
            }
            s.append('\n');
        }
    }

    /** The lower triangle's nonzeros, one per line, and what recovering them cost. */
    private static void table(StringBuilder s, SparseHessian h, List<String> inputs) {
        int width = 6;
        for (String name : inputs) {
            width = Math.max(width, name.length());
        }
        s.append(pad("row", width)).append("  ").append(pad("column", width)).append("  value\n");
        for (int k = 0; k < h.entryCount(); k++) {
            s.append(pad(inputs.get(h.rows()[k]), width)).append("  ").append(pad(inputs.get(h.columns()[k]), width))
                    .append("  ").append(h.values()[k]).append('\n');
        }
        s.append('\n');
        s.append("nonzeros     ").append(h.entryCount()).append(" in the lower triangle, of ")
                .append((long) h.size() * (h.size() + 1) / 2).append('\n');
        s.append("products     ").append(h.products()).append(" Hessian-vector products (colours), for ")
                .append(h.size()).append(" inputs\n");
    }

    /** {@code max_k |df/dx_k|} by the forward pass and back-substitution. */
    private static double maxAbsGradient(Program p, double[] x) {
        double[] z = new double[p.slotCount()];
        dev.lagrange.program.Sweeps.forward(p, x, z);
        double[] lambda = BackSubstitution.solve(p, z, BackSubstitution.objectiveSeed(p));
        return maxAbs(BackSubstitution.inputMultipliers(p, lambda));
    }

    /** {@code max_k |g_k|}, NaN if an entry is. */
    private static double maxAbs(double[] g) {
        double m = 0;
        for (double e : g) {
            m = Double.isNaN(e) || Double.isNaN(m) ? Double.NaN : Math.max(m, Math.abs(e));
        }
        return m;
    }

    /** The eigenvalues of the symmetric part of h, ascending. */
    static double[] eigenvalues(double[][] h) {
        int d = h.length;
        double[] values = new double[d];
        if (d == 0) {
            return values;
        }
        DMatrixRMaj m = new DMatrixRMaj(d, d);
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                m.set(r, c, 0.5 * (h[r][c] + h[c][r]));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, true);
        if (!eig.decompose(m)) {
            throw new Failure(Main.EXIT_NUMERICAL, "error: the eigendecomposition of the Hessian did not converge");
        }
        for (int k = 0; k < d; k++) {
            values[k] = eig.getEigenvalue(k).real;
        }
        java.util.Arrays.sort(values);
        return values;
    }

    /** What the signs of the eigenvalues say of the point. */
    static String classify(double[] eigenvalues) {
        int d = eigenvalues.length;
        if (d == 0) {
            return "no inputs";
        }
        double scale = Math.max(Math.abs(eigenvalues[0]), Math.abs(eigenvalues[d - 1]));
        double zero = 1e-12 * scale;
        boolean negative = eigenvalues[0] < -zero;
        boolean positive = eigenvalues[d - 1] > zero;
        boolean singular = false;
        for (double e : eigenvalues) {
            singular |= Math.abs(e) <= zero;
        }
        if (negative && positive) {
            return "saddle (eigenvalues of both signs)";
        }
        if (singular) {
            return "inconclusive (a zero eigenvalue: the Hessian is singular)";
        }
        return positive ? "minimum (positive definite)" : "maximum (negative definite)";
    }

    private static List<Object> toList(double[] v) {
        List<Object> list = new ArrayList<>();
        for (double e : v) {
            list.add(e);
        }
        return list;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
