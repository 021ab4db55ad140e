package dev.lagrange.cli;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.program.Program;
import dev.lagrange.solve.BlockReport;
import dev.lagrange.solve.SolveResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code solve} prints: the JSON object of the contract and the readable table. Every named
 * variable appears in program (evaluation) order; numbers are printed in full precision.
 */
final class Reports {
    private Reports() {
    }

    /** A gradient check's report and the tolerance it is judged by. */
    record Check(GradientCheck.Report report, double tolerance) {
        boolean passed() {
            return report.passed(tolerance);
        }
    }

    /**
     * The contract's object: status, objective, value, values, multipliers, gradient, residuals,
     * blocks (cyclic blocks only) and, with {@code --check}, check (method, maxRelativeError and
     * the tolerance).
     */
    static Map<String, Object> json(SolveResult r, Check check) {
        Program p = r.program();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", r.status().jsonName());
        o.put("objective", p.label(p.objective()));
        o.put("value", r.objectiveValue());
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> multipliers = new LinkedHashMap<>();
        for (int i = 0; i < p.size(); i++) {
            if (p.name(i) != null) {
                List<String> entries = entryLabels(p, i);
                for (int k = 0; k < entries.size(); k++) {
                    values.put(entries.get(k), r.z()[p.slot(i) + k]);
                    multipliers.put(entries.get(k), r.lambda()[p.slot(i) + k]);
                }
            }
        }
        o.put("values", values);
        o.put("multipliers", multipliers);
        Map<String, Object> gradient = new LinkedHashMap<>();
        for (int k = 0; k < p.inputCount(); k++) {
            gradient.put(p.inputLabel(k), r.gradient()[k]);
        }
        o.put("gradient", gradient);
        Map<String, Object> residuals = new LinkedHashMap<>();
        residuals.put("constraints", r.residuals().constraints());
        residuals.put("multipliers", r.residuals().multipliers());
        o.put("residuals", residuals);
        o.put("blocks", cyclicBlocks(r));
        if (check != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("method", check.report().methods());
            c.put("maxRelativeError", check.report().maxRelativeError());
            c.put("tolerance", check.tolerance());
            o.put("check", c);
        }
        return o;
    }

    /** The object printed for a solve that failed: status, objective, message and the cyclic blocks. */
    static Map<String, Object> failureJson(SolveResult r) {
        Program p = r.program();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", r.status().jsonName());
        o.put("objective", p.label(p.objective()));
        o.put("message", r.message());
        o.put("blocks", cyclicBlocks(r));
        return o;
    }

    private static List<Object> cyclicBlocks(SolveResult r) {
        List<Object> blocks = new ArrayList<>();
        for (BlockReport b : r.blocks()) {
            if (b.cyclic()) {
                Map<String, Object> block = new LinkedHashMap<>();
                block.put("variables", new ArrayList<Object>(b.variables()));
                block.put("kind", b.kind());
                block.put("method", b.method());
                block.put("iterations", b.iterations());
                blocks.add(block);
            }
        }
        return blocks;
    }

    /**
     * The readable form: status and objective, a table of variable, value and multiplier, the
     * gradient, the residuals, the cyclic blocks and the check, columns aligned.
     */
    static String table(SolveResult r, Check check) {
        Program p = r.program();
        StringBuilder s = new StringBuilder();
        String objective = p.label(p.objective());
        s.append("status     ").append(r.status().jsonName()).append(" (").append(r.message()).append(")\n");
        s.append("objective  ").append(objective).append(" = ").append(r.objectiveValue()).append("\n\n");

        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"variable", "value", "multiplier"});
        for (int i = 0; i < p.size(); i++) {
            if (p.name(i) != null) {
                List<String> entries = entryLabels(p, i);
                for (int k = 0; k < entries.size(); k++) {
                    rows.add(new String[] {entries.get(k), number(r.z()[p.slot(i) + k]),
                        number(r.lambda()[p.slot(i) + k])});
                }
            }
        }
        aligned(rows, s);

        s.append('\n');
        rows.clear();
        rows.add(new String[] {"input", "d " + objective + " / d input"});
        for (int k = 0; k < p.inputCount(); k++) {
            rows.add(new String[] {p.inputLabel(k), number(r.gradient()[k])});
        }
        aligned(rows, s);

        s.append('\n');
        rows.clear();
        rows.add(new String[] {"residual", "max norm"});
        rows.add(new String[] {"constraints", number(r.residuals().constraints()), "max_i |z_i - f_i(z_alpha(i))|"});
        rows.add(new String[] {"multipliers", number(r.residuals().multipliers()), "max_j |dL/dz_j|"});
        aligned(rows, s);

        for (BlockReport b : r.blocks()) {
            if (b.cyclic()) {
                s.append("\ncyclic block ").append(String.join(", ", b.variables())).append(": ").append(b.method())
                        .append(", ").append(b.iterations()).append(b.iterations() == 1 ? " iteration" : " iterations")
                        .append('\n');
            }
        }
        if (check != null) {
            GradientCheck.Comparison worst = check.report().worst();
            s.append("\ncheck      ").append(check.passed() ? "passed" : "FAILED").append(": max relative error ")
                    .append(number(check.report().maxRelativeError())).append(" (tolerance ")
                    .append(number(check.tolerance())).append(")");
            if (!worst.where().isEmpty()) {
                s.append(", worst at ").append(worst.where());
            }
            s.append('\n');
            for (GradientCheck.Comparison c : check.report().comparisons()) {
                s.append("           ").append(c.method()).append(": ").append(number(c.maxRelativeError()))
                        .append('\n');
            }
        }
        return s.toString();
    }

    /**
     * The names of node {@code i}'s entries: its name for a scalar; for an input block its inputs'
     * labels ({@code W[1,1]}, ... from the declared index bases); for any other vector
     * {@code h[1] .. h[w]}, 1-based.
     */
    static List<String> entryLabels(Program p, int i) {
        List<String> labels = new ArrayList<>(p.width(i));
        for (int s = p.slot(i), end = s + p.width(i); s < end; s++) {
            labels.add(p.slotLabel(s));
        }
        return labels;
    }

    private static String number(double v) {
        return Double.toString(v);
    }

    /** Appends rows with each column but the last padded to its widest cell; no trailing blanks. */
    private static void aligned(List<String[]> rows, StringBuilder s) {
        int columns = 0;
        for (String[] row : rows) {
            columns = Math.max(columns, row.length);
        }
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < row.length && c < columns - 1; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                s.append(row[c]);
                if (c < row.length - 1) {
                    s.append(" ".repeat(width[c] - row[c].length() + 2));
                }
            }
            s.append('\n');
        }
    }
}
