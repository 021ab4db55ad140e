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
        o.put("values", new NamedSlots(p, r.z()));
        o.put("multipliers", new NamedSlots(p, r.lambda()));
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
    static void table(SolveResult r, Check check, java.io.PrintWriter out) {
        Program p = r.program();
        StringBuilder s = new StringBuilder();
        String objective = p.label(p.objective());
        s.append("status     ").append(r.status().jsonName()).append(" (").append(r.message()).append(")\n");
        s.append("objective  ").append(objective).append(" = ").append(r.objectiveValue()).append("\n\n");

        variables(p, r.z(), r.lambda(), s, out);
        List<String[]> rows = new ArrayList<>();

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
        out.append(s);
    }

    /**
     * The table of every named variable's value and multiplier, written to {@code out} as it goes:
     * one pass for the column widths, one that writes, so that no row is kept.
     *
     * @param s Modified: the text so far, passed on to {@code out} with the rows.
     */
    private static void variables(Program p, double[] z, double[] lambda, StringBuilder s, java.io.PrintWriter out) {
        int nameWidth = "variable".length();
        int valueWidth = "value".length();
        for (NamedSlots.Cursor c = new NamedSlots.Cursor(p); c.next();) {
            nameWidth = Math.max(nameWidth, c.label().length());
            valueWidth = Math.max(valueWidth, number(z[c.slot()]).length());
        }
        row(s, nameWidth, "variable", valueWidth, "value", "multiplier");
        for (NamedSlots.Cursor c = new NamedSlots.Cursor(p); c.next();) {
            row(s, nameWidth, c.label(), valueWidth, number(z[c.slot()]), number(lambda[c.slot()]));
            if (s.length() > 1 << 16) {
                out.append(s);
                s.setLength(0);
            }
        }
    }

    private static void row(StringBuilder s, int nameWidth, String name, int valueWidth, String value, String last) {
        s.append(name).append(" ".repeat(nameWidth - name.length() + 2)).append(value)
                .append(" ".repeat(valueWidth - value.length() + 2)).append(last).append('\n');
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
